import type { preHandlerAsyncHookHandler } from 'fastify';
import type { DriftMonitor } from '../metrics/drift.js';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { InferenceService } from './inference.js';
import type { ModelCache } from './model-cache.js';
import type { Target } from './traffic-router.js';
/** What every serving route module receives. */
export interface ServingContext {
    registry: ModelRegistry;
    cache: ModelCache;
    inference: InferenceService;
    drift: DriftMonitor;
    metrics: ServingMetrics;
    maxBodyBytes: number;
    /** True once the TF.js backend is up and preloading finished. */
    isReady(): boolean;
    guards: {
        infer: preHandlerAsyncHookHandler;
        read: preHandlerAsyncHookHandler;
        write: preHandlerAsyncHookHandler;
    };
}
/** Per-request serving info, read by the metrics hook. */
export interface ServingRequestInfo {
    route: string;
    model: string;
    target?: Target;
}
declare module 'fastify' {
    interface FastifyRequest {
        federaServing?: ServingRequestInfo;
    }
}
export declare const modelParam: {
    readonly type: "string";
    readonly pattern: "^[a-z0-9][a-z0-9_-]{0,127}$";
};
export declare const versionParam: {
    readonly type: "string";
    readonly pattern: "^[0-9]{1,9}$";
};
export declare const labelParam: {
    readonly type: "string";
    readonly pattern: "^[a-z0-9_-]{1,64}$";
};
/** `{ version }` or `{ label }` from route params. */
export declare function selectorOf(params: {
    v?: string;
    l?: string;
}): {
    version?: number;
    label?: string;
};
