import type { FastifyInstance } from 'fastify';
import { DriftMonitor, type TrainingStats } from '../metrics/drift.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { BatchJobs } from './batch-jobs.js';
import { InferenceService } from './inference.js';
import { ModelCache } from './model-cache.js';
import { type ServingOptions } from './serving-options.js';
/** The serving plane's objects, decorated on the app as `app.serving`. */
export interface ServingRuntime {
    registry: ModelRegistry;
    cache: ModelCache;
    inference: InferenceService;
    drift: DriftMonitor;
    jobs: BatchJobs;
    metrics: ServingMetrics;
    /** Baseline for input drift: aggregated, client-reported feature summaries of a version. */
    recordTrainingStats(runId: string, version: number, stats: TrainingStats): void;
    /** Resolves when startup preloading finished (successfully or not). */
    preloaded: Promise<void>;
    /** Resolves when no shadow prediction or batch job is running. */
    settled(): Promise<void>;
}
declare module 'fastify' {
    interface FastifyInstance {
        serving: ServingRuntime;
    }
}
/**
 * Model serving: registry, Open Inference Protocol and TF Serving inference,
 * TF.js artifacts, batch jobs, canary / A/B / shadow routing, dynamic
 * batching and serving metrics. Register after authPlugin; routes get their
 * own encapsulated context (typed error bodies), `app.serving` is app-wide.
 *
 * @example
 * await app.register(authPlugin, { tokens });
 * await app.register(servingPlugin, { store, events, registry, batching: { maxBatchSize: 64 } });
 * app.serving.recordTrainingStats('mnist', 3, { mean, variance, count });
 */
export declare function servingPlugin(app: FastifyInstance, options: ServingOptions): Promise<void>;
