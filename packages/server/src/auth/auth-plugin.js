import { authErrors } from '../serving/errors.js';
import { TokenSet } from './tokens.js';
function deny(reply, code, detail) {
    const err = authErrors.create(code, detail);
    if (err.status === 401)
        reply.header('www-authenticate', 'Bearer realm="federa"');
    return reply.code(err.status).send({ code: err.code, message: err.message, retryable: err.retryable });
}
function bearer(request) {
    const header = request.headers.authorization;
    if (typeof header !== 'string')
        return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
}
/**
 * Bearer-token auth with roles. Decorates `app.requireRole(...roles)`, a
 * preHandler factory for any route of the app (serving's and the lead's).
 * Registered without encapsulation so the decorator is visible app-wide.
 *
 * @example
 * await app.register(authPlugin, { tokens: [{ sha256: '9f86d0…', role: 'admin' }] });
 * app.post('/runs', { preHandler: app.requireRole('researcher') }, handler);
 */
export async function authPlugin(app, options) {
    const tokens = new TokenSet(options.tokens ?? []);
    const enabled = tokens.size > 0;
    if (!enabled)
        app.log.warn('federa: no API tokens configured, authentication is OFF (dev mode)');
    app.decorate('authEnabled', enabled);
    app.decorateRequest('principal', undefined);
    app.decorate('requireRole', (...roles) => {
        return async (request, reply) => {
            if (!enabled)
                return;
            const token = bearer(request);
            if (token === undefined)
                return deny(reply, 'FEDERA_ERR_AUTH_MISSING');
            const principal = tokens.lookup(token);
            if (!principal)
                return deny(reply, 'FEDERA_ERR_AUTH_INVALID');
            request.principal = principal;
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
export function roleGuard(app, ...roles) {
    return app.hasDecorator('requireRole') ? app.requireRole(...roles) : async () => { };
}
//# sourceMappingURL=auth-plugin.js.map