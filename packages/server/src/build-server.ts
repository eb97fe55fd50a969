import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_MESSAGE_BYTES } from '@federa/protocol';
import type { ClientHello } from '@federa/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { AuditLog, type AuditRetention, auditPlugin, checkRetention } from './audit/index.js';
import { type TokenConfig, TokenSet, authPlugin } from './auth/index.js';
import { Coordinator } from './coordinator.js';
import { type CorsOptions, corsPlugin, originMatcher, socketCorsOptions } from './cors/index.js';
import { dashboardPlugin } from './dashboard/index.js';
import { featureStatsRoutes } from './features/index.js';
import { FederationEvents } from './events.js';
import type { GatewayLimits } from './gateway/admission.js';
import { attachGateway } from './gateway/gateway.js';
import { acceptPackedPollingBodies, transportOptions } from './gateway/transport-limits.js';
import {
  ClientRegistry,
  type IdentityOptions,
  type RateLimitOptions,
  helloAuthenticator,
  identityRoutes,
  reporterCheck,
} from './identity/index.js';
import { openapiPlugin } from './openapi/index.js';
import { REST_BODY_LIMIT_BYTES, frameworkErrors, installErrorHandler } from './rest/error-handler.js';
import { runsRoutes } from './rest/runs-routes.js';
import { registryDirectory } from './secagg/device-directory.js';
import type { ServerEvaluator } from './rounds/run-scheduler.js';
import { metricsPlugin } from './metrics/index.js';
import { type ServingOptions, servingPlugin } from './serving/index.js';
import { FederaStore } from './store/store.js';
import { type TlsOptions, httpsOptions } from './tls/index.js';

/** Options of {@link buildServer}. */
export interface BuildServerOptions {
  /** Directory of the level store (created if missing). */
  storePath: string;
  /** Payloads above this travel as chunk streams. Default 256 KiB. */
  chunkBytes?: number;
  /** Largest reassembled message accepted from a client. Default 64 MiB. */
  maxMessageBytes?: number;
  /** A chunk stream idle this long is dropped. Default 30 s. */
  streamIdleMs?: number;
  /** Server-side evaluation of each new global model, merged into its metrics. */
  evaluate?: ServerEvaluator;
  /**
   * Admit a client's hello, after the built-in checks (device signature, `client` token); an id it
   * admits counts as proven, so its hello may replace an open session of that id.
   */
  authenticateClient?: (hello: ClientHello, nonce: Uint8Array) => Promise<boolean>;
  /** Continue runs that were running when the store was last closed. Default true. */
  resume?: boolean;
  /** fastify logger setting. Default false. */
  logger?: boolean;
  /**
   * Bearer tokens with roles for REST, inference and the socket hello (`client` role, unless the
   * hello is signed); none configured means auth is off (dev mode).
   */
  tokens?: TokenConfig[];
  /** Model serving options, or `false` to serve nothing. */
  serving?: Omit<ServingOptions, 'store' | 'events'> | false;
  /** Device-key client identity: enrolment REST and signed hellos (docs/identity.md). */
  identity?: IdentityOptions;
  /** Socket admission bounds: sockets per address, hello timeout and size, pending bytes (GATEWAY_LIMITS). */
  gateway?: Partial<GatewayLimits>;
  /** Per-client socket rate limits (generous defaults), or `false` for none. */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Serve HTTPS and WSS on the same port. */
  tls?: TlsOptions;
  /** Audit log retention (max age and/or entries), applied at start and hourly; default keeps everything. */
  auditRetention?: AuditRetention;
  /** Largest model a run may have, in parameters (counted from the topology before it is built). Default 10 000 000. */
  maxModelParams?: number;
  /** Browser pages on other origins allowed to call REST and open sockets (docs/browser.md); none by default. */
  cors?: CorsOptions;
}

/** A built coordinator: fastify + socket.io on one HTTP server, with its store. */
export interface FederaServer {
  app: FastifyInstance;
  io: Server;
  coordinator: Coordinator;
  store: FederaStore;
  events: FederationEvents;
  /** Enrolled clients and revocations, when `identity` is configured. */
  identity: ClientRegistry | undefined;
  audit: AuditLog;
  /** Every HTTP route, as registered (method, url, hidden from the OpenAPI document). */
  routes: ReadonlyArray<{ method: string; url: string; hidden: boolean }>;
  /** Listen (port 0 by default) and resolve the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop schedulers, disconnect clients, close HTTP and the store. */
  close(): Promise<void>;
}

/**
 * Build a coordinator without listening, so tests and `main` share it.
 *
 * @example
 * const server = await buildServer({ storePath: tmpDir });
 * const url = await server.listen(0, '127.0.0.1');
 */
export async function buildServer(opts: BuildServerOptions): Promise<FederaServer> {
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const https = opts.tls ? httpsOptions(opts.tls) : undefined;
  // Configuration is checked before the store opens, so a bad value leaves no lock behind.
  if (opts.auditRetention) checkRetention(opts.auditRetention);
  const corsOrigins = opts.cors?.origins ?? [];
  originMatcher(corsOrigins);
  const store = await FederaStore.open(opts.storePath);
  const events = new FederationEvents();
  // Before the coordinator, whose client pool must never offer a revoked client for sampling.
  const identity = opts.identity ? await ClientRegistry.open(store, events) : undefined;
  const isRevoked = identity ? (clientId: string) => identity.isRevoked(clientId) : undefined;
  const devices = identity && registryDirectory(identity, opts.identity?.required ?? true);
  const runScope = identity ? (clientId: string) => identity.runScope(clientId) : undefined;
  const coordinator = new Coordinator({
    store,
    events,
    chunkBytes,
    maxModelParams: opts.maxModelParams,
    evaluate: opts.evaluate,
    isRevoked,
    devices,
    runScope,
  });
  // An https fastify is typed apart from the http one; routes and hooks are the same.
  const app = (Fastify as (o: object) => FastifyInstance)({
    logger: opts.logger ?? false,
    bodyLimit: REST_BODY_LIMIT_BYTES,
    frameworkErrors,
    ...(https ? { https } : {}),
  });
  installErrorHandler(app);
  const routes: FederaServer['routes'][number][] = [];
  app.addHook('onRoute', (r) => {
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, hidden });
  });
  // Before any route, so the OpenAPI document collects every route's schema.
  await app.register(openapiPlugin);
  await app.register(corsPlugin, { origins: corsOrigins });
  await app.register(authPlugin, { tokens: opts.tokens ?? [] });
  const audit = await AuditLog.open(store, opts.auditRetention);
  await app.register(auditPlugin, { audit, events });
  if (identity) {
    await app.register(identityRoutes, { registry: identity, enrolPerMinute: opts.identity?.enrolPerMinute });
  }
  await app.register(runsRoutes, { coordinator });
  await app.register(featureStatsRoutes, {
    coordinator,
    onFrozen: (runId, features) => coordinator.modelFromFeatures(runId, features.transform),
    ...(identity
      ? {
          checkReporter: reporterCheck(identity, opts.identity),
          admitted: (id: string) => !identity.isRevoked(id),
        }
      : {}),
  });
  await app.register(dashboardPlugin, { events });
  if (opts.serving !== false) {
    // One registry: serving's request metrics and the federation's must reach the same /metrics.
    const registry = new Registry();
    await app.register(servingPlugin, { ...opts.serving, store, events, registry });
    await app.register(metricsPlugin, { events, registry });
  }
  const io = new Server(app.server, {
    ...transportOptions(chunkBytes),
    serveClient: false,
    ...socketCorsOptions(corsOrigins),
  });
  acceptPackedPollingBodies(io, chunkBytes);
  attachGateway(io, coordinator, {
    chunkBytes,
    maxMessageBytes,
    streamIdleMs: opts.streamIdleMs ?? 30_000,
    authenticate: helloAuthenticator(
      identity,
      opts.identity,
      new TokenSet(opts.tokens ?? []),
      opts.authenticateClient,
    ),
    isRevoked,
    rateLimit: opts.rateLimit,
    ...(opts.gateway ? { limits: opts.gateway } : {}),
    events,
  });
  await app.ready();
  if (opts.resume ?? true) await coordinator.resumeRunning();

  let closed = false;
  return {
    app,
    io,
    coordinator,
    store,
    events,
    identity,
    audit,
    routes,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.close();
      // Close transports rather than sessions: clients see a transport loss and reconnect to the next process.
      io.engine.close();
      await app.close();
      await audit.close();
      await store.close();
    },
  };
}
