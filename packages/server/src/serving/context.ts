import type { preHandlerAsyncHookHandler } from 'fastify';
import type { DriftMonitor } from '../metrics/drift.js';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { InferenceService } from './inference.js';
import type { ModelCache } from './model-cache.js';
import type { Target } from './traffic-router.js';
import type { ServedTransforms } from './transforms.js';

/** What every serving route module receives. */
export interface ServingContext {
  registry: ModelRegistry;
  cache: ModelCache;
  inference: InferenceService;
  /** Each model's tabular transform, for raw rows. */
  transforms: ServedTransforms;
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

export const modelParam = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,127}$' } as const;
export const versionParam = { type: 'string', pattern: '^[0-9]{1,9}$' } as const;
export const labelParam = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } as const;

/** `{ version }` or `{ label }` from route params. */
export function selectorOf(params: { v?: string; l?: string }): { version?: number; label?: string } {
  if (params.v !== undefined) return { version: Number(params.v) };
  if (params.l !== undefined) return { label: params.l };
  return {};
}
