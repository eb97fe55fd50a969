import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_MESSAGE_BYTES } from '@federa/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { authPlugin } from '../../packages/server/src/auth/index.js';
import type { TokenConfig } from '../../packages/server/src/auth/tokens.js';
import { Coordinator } from '../../packages/server/src/coordinator.js';
import { dashboardPlugin, featureStatsRoutes } from '../../packages/server/src/dashboard/index.js';
import { FederationEvents } from '../../packages/server/src/events.js';
import { attachGateway } from '../../packages/server/src/gateway/gateway.js';
import { metricsPlugin } from '../../packages/server/src/metrics/index.js';
import { openapiPlugin } from '../../packages/server/src/openapi/index.js';
import { installErrorHandler } from '../../packages/server/src/rest/error-handler.js';
import { runsRoutes } from '../../packages/server/src/rest/runs-routes.js';
import type { ServerEvaluator } from '../../packages/server/src/rounds/run-scheduler.js';
import { servingPlugin } from '../../packages/server/src/serving/index.js';
import { FederaStore } from '../../packages/server/src/store/store.js';

/** A complete coordinator as buildServer will wire it once the lead registers these plugins. */
export interface FullServer {
  app: FastifyInstance;
  coordinator: Coordinator;
  events: FederationEvents;
  url: string;
  /** Every route registered on the app (method, url, hidden from the OpenAPI doc?). */
  routes: Array<{ method: string; url: string; hidden: boolean }>;
  close(): Promise<void>;
}

/**
 * Test-local composition: openapi first, then auth, runs REST, feature stats,
 * serving, metrics, dashboard; socket.io gateway on the same HTTP server.
 */
export async function startFullServer(
  opts: { tokens?: TokenConfig[]; evaluate?: ServerEvaluator } = {},
): Promise<FullServer> {
  const dir = await mkdtemp(join(tmpdir(), 'federa-full-'));
  const store = await FederaStore.open(join(dir, 'store'));
  const events = new FederationEvents();
  const coordinator = new Coordinator({
    store,
    events,
    chunkBytes: DEFAULT_CHUNK_BYTES,
    evaluate: opts.evaluate,
  });
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  const routes: FullServer['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      routes.push({
        method,
        url: r.url,
        hidden: Boolean((r.schema as { hide?: boolean } | undefined)?.hide),
      });
    }
  });
  installErrorHandler(app);
  await app.register(openapiPlugin);
  await app.register(authPlugin, { tokens: opts.tokens ?? [] });
  await app.register(runsRoutes, { coordinator });
  await app.register(featureStatsRoutes, { coordinator });
  const registry = new Registry();
  await app.register(servingPlugin, { store, events, registry, preload: false });
  await app.register(metricsPlugin, { events, registry, roles: [] });
  await app.register(dashboardPlugin, { events });
  const io = new Server(app.server, {
    maxHttpBufferSize: DEFAULT_CHUNK_BYTES + 64 * 1024,
    serveClient: false,
  });
  attachGateway(io, coordinator, {
    chunkBytes: DEFAULT_CHUNK_BYTES,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    streamIdleMs: 30_000,
    authenticate: async () => true,
    events,
  });
  await app.ready();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    coordinator,
    events,
    url,
    routes,
    async close() {
      await coordinator.close();
      io.disconnectSockets(true);
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
