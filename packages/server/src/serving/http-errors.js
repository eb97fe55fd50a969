import { isFederaError } from '@federa/core';
import { servingErrors } from './errors.js';
export const errorBodySchema = {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, retryable: { type: 'boolean' } },
    required: ['code', 'message', 'retryable'],
};
// Fastify's own failures, mapped onto our table.
const FASTIFY_CODES = {
    FST_ERR_VALIDATION: 'FEDERA_ERR_SERVING_BAD_REQUEST',
    FST_ERR_CTP_INVALID_JSON_BODY: 'FEDERA_ERR_SERVING_BAD_REQUEST',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'FEDERA_ERR_SERVING_BAD_REQUEST',
    FST_ERR_CTP_BODY_TOO_LARGE: 'FEDERA_ERR_SERVING_BODY_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'FEDERA_ERR_SERVING_BAD_REQUEST',
};
/** Send `err` as `{ code, message, retryable }` with the table's status (and Retry-After when retryable). */
export function sendError(reply, err) {
    let e = err;
    if (!isFederaError(e)) {
        const fe = e;
        const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
        if (mapped)
            e = servingErrors.create(mapped, fe.message);
        else if (e instanceof SyntaxError)
            e = servingErrors.create('FEDERA_ERR_SERVING_BAD_REQUEST', e.message);
    }
    if (!isFederaError(e)) {
        reply.log.error({ err: e }, 'serving: unexpected error');
        e = servingErrors.create('FEDERA_ERR_SERVING_INTERNAL');
    }
    if (!isFederaError(e))
        throw e;
    if (e.status >= 500)
        reply.log.warn({ code: e.code }, e.message);
    if (e.retryable)
        reply.header('retry-after', String(e.details?.['retryAfterS'] ?? 1));
    return reply
        .code(e.status)
        .send({ code: e.code, message: e.message, retryable: e.retryable });
}
/** Install the typed error handler (and 404 handler) on an encapsulated serving context. */
export function installErrorHandling(app) {
    app.setErrorHandler((err, _request, reply) => sendError(reply, err));
}
//# sourceMappingURL=http-errors.js.map