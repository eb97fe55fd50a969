import type { TensorSpec, Weights } from '@federa/core';
import { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { TokenConfig } from '../../packages/server/src/auth/tokens.js';
import { FederationEvents } from '../../packages/server/src/events.js';
import type { VersionRecord } from '../../packages/server/src/runs/run-types.js';
import { type ServingOptions } from '../../packages/server/src/serving/index.js';
import { FederaStore } from '../../packages/server/src/store/store.js';
export declare const FEATURES = 4;
export declare const CLASSES = 3;
/** A real store in a temp dir holding one run (the served model) with several committed versions. */
export interface Fixture {
    dir: string;
    store: FederaStore;
    model: string;
    topology: unknown;
    specs: TensorSpec[];
    /** weights[v] are the weights of version v. */
    weights: Weights[];
    /** Commit one more version (a round) with the given weights and metrics; returns its record. */
    commit(weights: Weights, metrics?: Record<string, number>): Promise<VersionRecord>;
    /** In-process reference prediction of version v (TF.js, no HTTP). */
    reference(version: number, rows: number[][]): Promise<number[][]>;
    close(): Promise<void>;
}
/** Tiny classifier: 4 features -> 5 relu -> 3 softmax. */
export declare function tinyTopology(): unknown;
/** Deterministic weights for version `v`: distinct per version, so versions answer differently. */
export declare function weightsFor(specs: TensorSpec[], v: number): Weights;
export declare function createFixture(versions?: number, name?: string): Promise<Fixture>;
/** A minimal fastify app the way buildServer wires serving: auth, serving, metrics on one prom registry. */
export declare function startApp(fixture: Fixture, options?: Partial<ServingOptions>, tokens?: TokenConfig[]): Promise<{
    app: FastifyInstance;
    events: FederationEvents;
    registry: Registry;
}>;
/** Rows used across tests. */
export declare const ROWS: number[][];
export declare function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol?: number): void;
