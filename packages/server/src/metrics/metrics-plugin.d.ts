import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { type Role } from '../auth/index.js';
import type { FederationEvents } from '../events.js';
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
export declare function metricsPlugin(app: FastifyInstance, options: MetricsOptions): Promise<void>;
