import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { roleGuard } from '../auth/index.js';
import type { FederationEvents } from '../events.js';
import { LiveEvents } from './live-events.js';

/** Options of {@link dashboardPlugin}. */
export interface DashboardOptions {
  /** The coordinator's event bus, streamed to pages over Server-Sent Events. */
  events: FederationEvents;
}

/** Asset name -> content type; a Map, so `/dashboard/assets/constructor` is simply not found. */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['index.html', 'text/html; charset=utf-8'],
  ['app.js', 'text/javascript; charset=utf-8'],
  ['charts.js', 'text/javascript; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
]);

// Assets are plain files beside the sources, so there is no build step; dist/ finds them in src/.
const assetDirs = [
  new URL('./assets/', import.meta.url),
  new URL('../../src/dashboard/assets/', import.meta.url),
];

async function asset(name: string): Promise<Buffer> {
  for (const dir of assetDirs) {
    try {
      return await readFile(new URL(name, dir));
    } catch {}
  }
  throw new Error(`dashboard asset ${name} not found`);
}

/**
 * The web dashboard at `/dashboard`: runs, live round progress, connected
 * clients, accuracy and loss curves, privacy budget, model versions with
 * promote / rollback (the page sends the token the user pastes). Live
 * updates come from `GET /dashboard/events` (SSE). Also `GET /healthz`.
 * With auth on, the stream and `/dashboard/clients` need a `viewer` or
 * `researcher` token (or `admin`), like reading runs; the page and its
 * assets and `/healthz` stay open. The page reads the stream with fetch(),
 * so the token travels in the Authorization header, never in the URL.
 *
 * @example
 * await app.register(dashboardPlugin, { events });
 */
export async function dashboardPlugin(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const live = new LiveEvents(options.events);
  app.addHook('preClose', async () => live.close());
  const hide = { schema: { hide: true } };
  // The same guard as GET /api/runs: the stream carries run progress and client ids.
  const canRead = roleGuard(app, 'viewer', 'researcher');

  app.get('/dashboard', hide, async (_request, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard/', hide, async (_request, reply) =>
    reply.type(ASSETS.get('index.html')!).send(await asset('index.html')),
  );
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', hide, async (request, reply) => {
    const type = ASSETS.get(request.params.file);
    if (!type)
      return reply
        .code(404)
        .send({ code: 'FEDERA_ERR_ROUTE_NOT_FOUND', message: 'no such asset', retryable: false });
    return reply
      .type(type)
      .header('cache-control', 'no-cache')
      .send(await asset(request.params.file));
  });
  app.get('/dashboard/events', { ...hide, preHandler: canRead }, (_request, reply) => {
    reply.hijack();
    live.open(reply.raw);
  });
  app.get(
    '/dashboard/clients',
    {
      preHandler: canRead,
      schema: {
        summary: 'Clients connected to this coordinator, each with the runs it declared',
        response: {
          200: {
            type: 'object',
            properties: {
              clients: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    clientId: { type: 'string' },
                    runs: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ clients: live.clients() }),
  );
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness of the coordinator process',
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async () => ({ ok: true }),
  );
}
