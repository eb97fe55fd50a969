import type { DriftMonitor } from '../metrics/drift.js';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { ModelCache } from './model-cache.js';
import type { ModelSignature } from './signature.js';
import type { InputBatch } from './tensor-input.js';
import { type Target } from './traffic-router.js';
/** A finished prediction and what produced it. */
export interface Prediction {
    target: Target;
    signature: ModelSignature;
    output: Float32Array;
    rows: number;
}
/**
 * One inference: route, hold the version, validate against its signature,
 * predict through its batcher, feed drift, and mirror to a shadow. Shadow work
 * starts after the primary answered and its failures are only counted.
 *
 * @example
 * const p = await inference.predict('mnist', {}, header, (sig) => parseInstances(body.instances, sig));
 */
export declare class InferenceService {
    private readonly registry;
    private readonly cache;
    private readonly drift;
    private readonly metrics;
    /** Shadow predictions still running (tests and shutdown wait on them). */
    readonly pendingShadows: Set<Promise<void>>;
    constructor(registry: ModelRegistry, cache: ModelCache, drift: DriftMonitor, metrics: ServingMetrics);
    predict(model: string, selector: {
        version?: number;
        label?: string;
    }, header: (name: string) => string | undefined, parse: (sig: ModelSignature) => InputBatch, onTarget?: (target: Target) => void): Promise<Prediction>;
    /** Resolves when every shadow prediction started so far has finished. */
    settled(): Promise<void>;
    /** Decide now (the policy in force for this request), compare later. */
    private mirror;
}
