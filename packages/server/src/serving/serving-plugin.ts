import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { roleGuard } from '../auth/auth-plugin.js';
import { DriftMonitor, type TrainingStats } from '../metrics/drift.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { attachPromotionGate } from '../registry/promotion-gate.js';
import { registryRoutes } from '../registry/registry-routes.js';
import { initTfBackend } from '../tf/backend.js';
import { tabularDriftBaseline } from './tabular-drift.js';
import { ServedTransforms } from './transforms.js';
import { BatchJobs } from './batch-jobs.js';
import type { ServingContext } from './context.js';
import { readFormEncodedAsJson } from './form-encoded-json.js';
import { installErrorHandling } from './http-errors.js';
import { InferenceService } from './inference.js';
import { ModelCache } from './model-cache.js';
import { artifactRoutes } from './routes-artifacts.js';
import { jobRoutes } from './routes-jobs.js';
import { oipRoutes } from './routes-oip.js';
import { tfServingRoutes } from './routes-tfserving.js';
import { SERVING_DEFAULTS, type ServingOptions, batchingFrom } from './serving-options.js';

/** The serving plane's objects, decorated on the app as `app.serving`. */
export interface ServingRuntime {
  registry: ModelRegistry;
  cache: ModelCache;
  inference: InferenceService;
  drift: DriftMonitor;
  jobs: BatchJobs;
  metrics: ServingMetrics;
  /** Baseline for input drift: aggregated, client-reported feature summaries of a version (persisted). */
  recordTrainingStats(runId: string, version: number, stats: TrainingStats): Promise<void>;
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
export async function servingPlugin(app: FastifyInstance, options: ServingOptions): Promise<void> {
  await initTfBackend((msg) => app.log.info(msg));
  const batching = batchingFrom(options.batching);
  const promRegistry =
    options.registry ?? (app.hasDecorator('metricsRegistry') ? app.metricsRegistry : new Registry());
  const metrics = new ServingMetrics(promRegistry);
  const drift = new DriftMonitor(options.driftWindow ?? SERVING_DEFAULTS.driftWindow);
  // Training stats are aggregated summaries, small enough to persist, so drift survives restarts.
  const statsDb = options.store.db.sublevel<string, { version: number; stats: TrainingStats }>(
    'serving-drift-stats',
    {
      valueEncoding: 'json',
    },
  );
  const recordTrainingStats = async (runId: string, version: number, stats: TrainingStats) => {
    drift.recordTrainingStats(runId, version, stats);
    await statsDb.put(runId, { version, stats });
  };
  metrics.driftSource = () => drift.models().map((m) => [m, drift.score(m)] as [string, number]);
  const registry = new ModelRegistry(options.store);
  const cache = new ModelCache(options.store, registry, {
    maxLoaded: options.maxLoadedVersions ?? SERVING_DEFAULTS.maxLoadedVersions,
    batching,
    metrics,
  });
  // Hot swap: a label only moves once its target is loaded and warmed.
  registry.setBeforeMove((model, version) => cache.load(model, version));
  registry.on('label-moved', (record, reason) =>
    metrics.labelMoves.inc({ model: record.model, label: record.label, reason }),
  );
  const inference = new InferenceService(registry, cache, drift, metrics);
  const jobs = new BatchJobs(options.store.db, cache, {
    chunkRows: Math.min(options.jobs?.chunkRows ?? SERVING_DEFAULTS.chunkRows, batching.maxQueueRows),
    process: options.jobs?.process ?? true,
  });

  const detach: Array<() => void> = [];
  if (options.events) {
    const events = options.events;
    const onCommitted = ({ version }: { version: { runId: string; version: number } }) => {
      // The implicit `stable` (latest) moves with each commit: warm the new version before routing to it.
      void cache
        .load(version.runId, version.version)
        .catch((err: unknown) => app.log.warn({ err }, 'serving: warming a new version failed'))
        .finally(() => registry.invalidate(version.runId));
    };
    events.on('round-committed', onCommitted);
    detach.push(() => events.off('round-committed', onCommitted));
    if (options.promotionGate) {
      detach.push(
        attachPromotionGate(events, registry, options.promotionGate, (d) => {
          app.log.info({ gate: d }, 'promotion gate');
          registry.emit('gate-decision', d);
        }),
      );
    }
  }

  let ready = false;
  const preload = async () => {
    if (options.preload ?? SERVING_DEFAULTS.preload) {
      for (const model of await registry.models()) {
        await cache
          .load(model, await registry.resolve(model, 'stable'))
          .catch((err: unknown) => app.log.warn({ err, model }, 'serving: preload failed'));
      }
    }
    for (const [runId, { version, stats }] of await statsDb.iterator().all()) {
      drift.recordTrainingStats(runId, version, stats);
    }
    await jobs.resume();
    ready = true;
  };
  let preloaded: Promise<void> = Promise.resolve();
  app.addHook('onReady', async () => {
    preloaded = preload().catch((err: unknown) => app.log.error({ err }, 'serving: preload failed'));
  });

  const roles = { ...SERVING_DEFAULTS.roles, ...options.roles };
  const ctx: ServingContext = {
    registry,
    cache,
    inference,
    // A tabular model's drift baseline comes from its feature statistics unless one was posted.
    transforms: new ServedTransforms(options.store, (model, features) => {
      if (drift.features(model) === undefined)
        drift.recordTrainingStats(model, 0, tabularDriftBaseline(features));
    }),
    drift,
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? SERVING_DEFAULTS.maxBodyBytes,
    isReady: () => ready,
    guards: {
      infer: roleGuard(app, ...roles.infer),
      read: roleGuard(app, ...roles.read),
      write: roleGuard(app, ...roles.write),
    },
  };
  app.decorate('serving', {
    registry,
    cache,
    inference,
    drift,
    jobs,
    metrics,
    recordTrainingStats,
    get preloaded() {
      return preloaded;
    },
    settled: async () => {
      await inference.settled();
      await jobs.settled();
    },
  } satisfies ServingRuntime);

  await app.register(async (routes) => {
    installErrorHandling(routes);
    routes.addHook('onResponse', async (request, reply) => {
      const info = request.federaServing;
      if (!info) return;
      metrics.observeRequest(
        {
          route: info.route,
          model: info.model,
          version: info.target ? String(info.target.version) : 'none',
          variant: info.target?.variant ?? 'none',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
    registryRoutes(routes, ctx, recordTrainingStats);
    jobRoutes(routes, ctx, jobs);
    // A context of their own: only the inference routes read `curl -d` bodies (form-encoded-json.ts).
    // After jobRoutes, whose CSV parser it inherits: `:predict` reads CSV rows too.
    await routes.register(async (inference) => {
      readFormEncodedAsJson(inference, ctx.maxBodyBytes);
      oipRoutes(inference, ctx);
      tfServingRoutes(inference, ctx);
    });
    await routes.register(async (files) => artifactRoutes(files, ctx));
  });

  app.addHook('onClose', async () => {
    for (const d of detach) d();
    await jobs.stop();
    await inference.settled();
    cache.close();
  });
}
Object.assign(servingPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'federa-serving',
});
