import type { ServingMetrics } from '../metrics/serving-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { FederaStore } from '../store/store.js';
import { type BatchingOptions } from './batcher.js';
import { type ModelSignature } from './signature.js';
/** One model version in memory, warmed and ready to predict. */
export interface LoadedVersion {
    readonly model: string;
    readonly version: number;
    readonly signature: ModelSignature;
    /** Predict `rows` rows through the version's dynamic batcher. */
    predict(input: Float32Array, rows: number): Promise<Float32Array>;
}
/** Status of a version in the cache; `ready` only after its warm-up predict succeeded. */
export type LoadState = 'unloaded' | 'loading' | 'ready' | 'failed';
/**
 * Loaded model versions with reference counting and LRU eviction. A request
 * holds a reference for its whole life, so a label moving mid-request never
 * changes the model under it, and eviction disposes a version's tensors only
 * after its last in-flight request finished.
 *
 * @example
 * const answer = await cache.use('mnist', 3, (m) => m.predict(pixels, 1));
 */
export declare class ModelCache {
    private readonly store;
    private readonly registry;
    private readonly options;
    private readonly entries;
    constructor(store: FederaStore, registry: ModelRegistry, options: {
        maxLoaded: number;
        batching: BatchingOptions;
        metrics?: ServingMetrics;
    });
    state(model: string, version: number): LoadState;
    /** Versions in memory, most recently used last. */
    loaded(): Array<{
        model: string;
        version: number;
        state: LoadState;
    }>;
    /** Load and warm a version (deduplicated); resolves once it is ready. */
    load(model: string, version: number): Promise<void>;
    /** Run `fn` with a reference to the loaded version. */
    use<T>(model: string, version: number, fn: (loaded: LoadedVersion) => Promise<T>): Promise<T>;
    /** Unload everything (server shutdown). */
    close(): void;
    private acquire;
    private release;
    private evict;
    private trim;
    private build;
}
