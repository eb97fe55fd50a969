import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { type Role, roleGuard } from '../auth/index.js';
import type { FederationEvents } from '../events.js';
import { attachFederationMetrics } from './federation-metrics.js';

/** Options of {@link metricsPlugin}. */
export interface MetricsOptions {
  /** The coordinator's bus; federation metrics are derived from it when given. */
  events?: FederationEvents;
  /** Per-server registry; pass the same one to servingPlugin. A fresh one when absent. */
  registry?: Registry;
  /** Roles allowed to scrape (besides admin); `[]` leaves /metrics open. Default viewer. */
  roles?: Role[];
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

/**
 * `GET /metrics` in Prometheus text format, plus the federation's metrics.
 *
 * @example
 * const registry = new Registry();
 * await app.register(servingPlugin, { store, events, registry });
 * await app.register(metricsPlugin, { events, registry });
 */
export async function metricsPlugin(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const registry = options.registry ?? new Registry();
  if (!app.hasDecorator('metricsRegistry')) app.decorate('metricsRegistry', registry);
  const detach = options.events ? attachFederationMetrics(options.events, registry) : () => {};
  app.addHook('onClose', async () => detach());
  const roles = options.roles ?? ['viewer'];
  app.get(
    '/metrics',
    { preHandler: roles.length ? roleGuard(app, ...roles) : [], schema: { hide: true } },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
}
Object.assign(metricsPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'federa-metrics',
});
