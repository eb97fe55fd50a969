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
  jobs?: { chunkRows?: number; process?: boolean };
  /** Live rows after which drift counts are halved. */
  driftWindow?: number;
  /** Roles admitted (admin always is): inference, reads, and registry writes. */
  roles?: { infer?: Role[]; read?: Role[]; write?: Role[] };
}

export const DEFAULT_BATCHING: BatchingOptions = { maxBatchSize: 32, maxQueueDelayMs: 0, maxQueueRows: 1024 };

export const SERVING_DEFAULTS = {
  maxLoadedVersions: 4,
  maxBodyBytes: 8 * 1024 * 1024,
  preload: true,
  chunkRows: 256,
  driftWindow: 10_000,
  roles: {
    infer: ['inference'] as Role[],
    read: ['inference', 'viewer', 'researcher'] as Role[],
    write: ['researcher'] as Role[],
  },
} as const;

/** Effective batching options: `false` means batch size 1 (each request predicted alone). */
export function batchingFrom(option: ServingOptions['batching']): BatchingOptions {
  if (option === false) return { ...DEFAULT_BATCHING, maxBatchSize: 1, maxQueueDelayMs: 0 };
  return { ...DEFAULT_BATCHING, ...option };
}
