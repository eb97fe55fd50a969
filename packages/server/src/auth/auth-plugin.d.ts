import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { type Principal, type Role, type TokenConfig } from './tokens.js';
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
/**
 * Bearer-token auth with roles. Decorates `app.requireRole(...roles)`, a
 * preHandler factory for any route of the app (serving's and the lead's).
 * Registered without encapsulation so the decorator is visible app-wide.
 *
 * @example
 * await app.register(authPlugin, { tokens: [{ sha256: '9f86d0…', role: 'admin' }] });
 * app.post('/runs', { preHandler: app.requireRole('researcher') }, handler);
 */
export declare function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void>;
/** A preHandler from `app.requireRole` when the auth plugin is registered, else a no-op. */
export declare function roleGuard(app: FastifyInstance, ...roles: Role[]): preHandlerAsyncHookHandler;
