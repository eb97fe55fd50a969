import type { Registry } from 'prom-client';
import type { Role } from '../auth/tokens.js';
import type { FederationEvents } from '../events.js';
import type { PromotionGateOptions } from '../registry/promotion-gate.js';
import type { FederaStore } from '../store/store.js';
import type { BatchingOptions } from './batcher.js';
/** Options of servingPlugin; everything but `store` has a default. */
export interface ServingOptions {
    store: FederaStore;
    /** The coordinator's bus: new versions are warmed, the promotion gate listens to it. */
    events?: FederationEvents;
    /** prom-client registry shared with metricsPlugin (default: app.metricsRegistry, else a new one). */
    registry?: Registry;
    /** Dynamic batching, or `false` for one predict per request. */
    batching?: Partial<BatchingOptions> | false;
    /** Loaded versions kept in memory (LRU beyond it). */
    maxLoadedVersions?: number;
    /** Body limit of inference and job routes, in bytes. */
    maxBodyBytes?: number;
    /** Load and warm every model's `stable` version at startup (in the background). */
    preload?: boolean;
    /** Auto-promote versions whose metric beats the current label. */
    promotionGate?: PromotionGateOptions;
    /** Batch jobs: rows per persisted chunk; `process: false` only queues (tests of resume). */
    jobs?: {
        chunkRows?: number;
        process?: boolean;
    };
    /** Live rows after which drift counts are halved. */
    driftWindow?: number;
    /** Roles admitted (admin always is): inference, reads, and registry writes. */
    roles?: {
        infer?: Role[];
        read?: Role[];
        write?: Role[];
    };
}
export declare const DEFAULT_BATCHING: BatchingOptions;
export declare const SERVING_DEFAULTS: {
    readonly maxLoadedVersions: 4;
    readonly maxBodyBytes: number;
    readonly preload: true;
    readonly chunkRows: 256;
    readonly driftWindow: 10000;
    readonly roles: {
        readonly infer: Role[];
        readonly read: Role[];
        readonly write: Role[];
    };
};
/** Effective batching options: `false` means batch size 1 (each request predicted alone). */
export declare function batchingFrom(option: ServingOptions['batching']): BatchingOptions;
