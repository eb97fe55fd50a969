import { EventEmitter } from 'node:events';
import type { Weights } from '@federa/core';
import type { RunRecord, VersionRecord } from '../runs/run-types.js';
import type { FederaStore } from '../store/store.js';
import { type LabelRecord, type MoveReason, type TrafficPolicy } from './registry-types.js';
/** Called before a label moves to `version`; rejects to veto (e.g. the version fails to load). */
export type BeforeMove = (model: string, version: number) => Promise<void>;
export interface RegistryEventMap {
    'label-moved': [record: LabelRecord, reason: MoveReason];
    'policy-changed': [model: string, policy: TrafficPolicy];
    /** Outcome of a promotion-gate evaluation (see attachPromotionGate). */
    'gate-decision': [decision: {
        model: string;
        version: number;
        promoted: boolean;
        reason: string;
    }];
}
/**
 * Model registry: immutable versions from the store plus movable labels and
 * traffic policies persisted in their own sublevels. Writes per model are
 * serialized; reads come from a write-through memory cache, so routing costs
 * no I/O per request.
 *
 * @example
 * const registry = new ModelRegistry(store, { beforeMove: (m, v) => cache.warm(m, v) });
 * await registry.setLabel('mnist', 'stable', 4, 'promote');
 * await registry.rollback('mnist', 'stable'); // back to the previous target
 */
export declare class ModelRegistry extends EventEmitter<RegistryEventMap> {
    private readonly store;
    private readonly labelDb;
    private readonly policyDb;
    private readonly labelCache;
    private readonly policyCache;
    private readonly runCache;
    private readonly locks;
    private beforeMove;
    constructor(store: FederaStore, options?: {
        beforeMove?: BeforeMove;
    });
    setBeforeMove(hook: BeforeMove | undefined): void;
    /** The run behind a served model; throws FEDERA_ERR_SERVING_MODEL_NOT_FOUND. */
    run(model: string): Promise<RunRecord>;
    /** Replace the cached run record (the coordinator updated it). */
    updateRun(run: RunRecord): void;
    /** Forget cached run records (after out-of-band store writes). */
    invalidate(model?: string): void;
    models(): Promise<string[]>;
    versions(model: string): Promise<VersionRecord[]>;
    version(model: string, version: number): Promise<VersionRecord>;
    /** A version's weights, hash-verified by the store. */
    weights(model: string, version: number, specs: RunRecord['specs']): Promise<Weights>;
    labels(model: string): Promise<LabelRecord[]>;
    label(model: string, label: string): Promise<LabelRecord | undefined>;
    /** Version a label points at. `latest` is the newest version; an unset `stable` falls back to it. */
    resolve(model: string, label: string): Promise<number>;
    /** Move (or create) a label. The target is warmed through `beforeMove` first. */
    setLabel(model: string, label: string, version: number, reason: MoveReason, by?: string): Promise<LabelRecord>;
    /** Move a label back to its previous target (one call); the history keeps both moves. */
    rollback(model: string, label: string, by?: string): Promise<LabelRecord>;
    deleteLabel(model: string, label: string): Promise<void>;
    policy(model: string): Promise<TrafficPolicy>;
    /** Replace a model's traffic policy. Labels it names must exist, and are warmed. */
    setPolicy(model: string, policy: TrafficPolicy): Promise<TrafficPolicy>;
    private write;
    private labelMap;
    private serialized;
}
