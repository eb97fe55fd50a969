import type { FastifyInstance } from 'fastify';
import { type CorsOptions, originMatcher } from './cors-options.js';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
// What a client page sends: its bearer token, JSON bodies, cache validators, SSE resumption.
const HEADERS = 'authorization, content-type, if-none-match, last-event-id';
const EXPOSED = 'etag, location, content-length, retry-after, www-authenticate';

/**
 * CORS for pages on the allowed origins, on every route (REST, feature statistics, enrolment,
 * serving): preflights are answered here, responses name the page's origin. No
 * `Access-Control-Allow-Credentials` is ever sent, so a browser attaches no cookies; pages
 * authenticate with `Authorization: Bearer …`. Other origins get no CORS headers, and the browser
 * keeps the response from the page (Fetch standard, §3.2). Registered app-wide (not encapsulated).
 *
 * @example
 * await app.register(corsPlugin, { origins: ['https://app.example.org'] });
 */
export async function corsPlugin(app: FastifyInstance, opts: CorsOptions): Promise<void> {
  const allowed = originMatcher(opts.origins);
  if (opts.origins.length === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed(origin)) return;
    reply
      .header('access-control-allow-origin', origin)
      .header('vary', 'origin')
      .header('access-control-expose-headers', EXPOSED);
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined)
      return;
    return reply
      .code(204)
      .header('access-control-allow-methods', METHODS)
      .header('access-control-allow-headers', HEADERS)
      .header('access-control-max-age', '600')
      .send();
  });
}
Object.assign(corsPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'federa-cors',
});
