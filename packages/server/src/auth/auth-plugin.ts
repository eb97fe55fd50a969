import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authErrors } from '../serving/errors.js';
import { type Principal, type Role, type TokenConfig, TokenSet } from './tokens.js';

/** Options of {@link authPlugin}. An empty or absent `tokens` list turns auth off (dev mode). */
export interface AuthOptions {
  tokens?: readonly TokenConfig[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler that admits requests whose token has one of `roles` (or `admin`). */
    requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
    /** False in dev mode (no tokens configured). */
    authEnabled: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

function deny(reply: FastifyReply, code: keyof typeof authErrors.table, detail?: string): FastifyReply {
  const err = authErrors.create(code, detail);
  if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="federa"');
  return reply.code(err.status).send({ code: err.code, message: err.message, retryable: err.retryable });
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The only routes an anonymous caller reaches while tokens are configured (`METHOD url-pattern`;
 * HEAD counts as GET): probes, the API description, device enrolment (its one-time token is the
 * credential) and the dashboard's static page (it asks for a token before it reads anything).
 * CORS preflights (OPTIONS) carry no credentials by the Fetch standard and are public too.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /healthz',
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /docs',
  'GET /docs/json',
  'POST /api/clients/enrol',
  'GET /dashboard',
  'GET /dashboard/',
  'GET /dashboard/assets/:file',
]);

function isPublic(request: FastifyRequest): boolean {
  if (request.method === 'OPTIONS') return true;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  return PUBLIC_ROUTES.has(`${method} ${request.routeOptions.url}`);
}

/**
 * Bearer-token auth with roles. Decorates `app.requireRole(...roles)`, a
 * preHandler factory for any route of the app (serving's and the lead's).
 * Registered without encapsulation so the decorator is visible app-wide.
 * With tokens configured, an app-wide onRequest gate also refuses every caller without a valid
 * token on every route outside {@link PUBLIC_ROUTES}, before its body is read or validated: a
 * route that forgets its guard is still closed, and an anonymous caller makes the server buffer
 * nothing.
 *
 * @example
 * await app.register(authPlugin, { tokens: [{ sha256: '9f86d0…', role: 'admin' }] });
 * app.post('/runs', { preHandler: app.requireRole('researcher') }, handler);
 */
export async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const tokens = new TokenSet(options.tokens ?? []);
  const enabled = tokens.size > 0;
  if (!enabled) app.log.warn('federa: no API tokens configured, authentication is OFF (dev mode)');
  app.decorate('authEnabled', enabled);
  app.decorateRequest('principal', undefined);
  /** The caller's principal, or undefined once a 401 was sent. */
  const authenticate = (request: FastifyRequest, reply: FastifyReply): Principal | undefined => {
    if (request.principal) return request.principal;
    const token = bearer(request);
    const principal = token === undefined ? undefined : tokens.lookup(token);
    if (!principal) deny(reply, token === undefined ? 'FEDERA_ERR_AUTH_MISSING' : 'FEDERA_ERR_AUTH_INVALID');
    request.principal = principal;
    return principal;
  };
  if (enabled) {
    app.addHook('onRequest', async (request, reply) => {
      // Unmatched URLs fall through to the 404 handler; they reach no route.
      if (request.routeOptions.url === undefined || isPublic(request)) return;
      if (!authenticate(request, reply)) return reply;
    });
  }
  app.decorate('requireRole', (...roles: Role[]): preHandlerAsyncHookHandler => {
    return async (request, reply) => {
      if (!enabled) return;
      const principal = authenticate(request, reply);
      if (!principal) return reply;
      if (principal.role !== 'admin' && !roles.includes(principal.role)) {
        return deny(reply, 'FEDERA_ERR_AUTH_FORBIDDEN', `needs ${['admin', ...roles].join(' or ')}`);
      }
    };
  });
}
// Visible to the whole app, like fastify-plugin would make it.
Object.assign(authPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'federa-auth',
});

/** A preHandler from `app.requireRole` when the auth plugin is registered, else a no-op. */
export function roleGuard(app: FastifyInstance, ...roles: Role[]): preHandlerAsyncHookHandler {
  return app.hasDecorator('requireRole') ? app.requireRole(...roles) : async () => {};
}
