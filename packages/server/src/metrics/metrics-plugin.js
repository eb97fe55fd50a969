import { Registry } from 'prom-client';
import { roleGuard } from '../auth/index.js';
import { attachFederationMetrics } from './federation-metrics.js';
/**
 * `GET /metrics` in Prometheus text format, plus the federation's metrics.
 *
 * @example
 * const registry = new Registry();
 * await app.register(servingPlugin, { store, events, registry });
 * await app.register(metricsPlugin, { events, registry });
 */
export async function metricsPlugin(app, options) {
    const registry = options.registry ?? new Registry();
    if (!app.hasDecorator('metricsRegistry'))
        app.decorate('metricsRegistry', registry);
    const detach = options.events ? attachFederationMetrics(options.events, registry) : () => { };
    app.addHook('onClose', async () => detach());
    const roles = options.roles ?? ['viewer'];
    app.get('/metrics', { preHandler: roles.length ? roleGuard(app, ...roles) : [], schema: { hide: true } }, async (_request, reply) => {
        reply.header('content-type', registry.contentType);
        return registry.metrics();
    });
}
Object.assign(metricsPlugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'federa-metrics',
});
//# sourceMappingURL=metrics-plugin.js.map