import { isFederaError } from '@federa/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serverErrors } from '../errors.js';

/**
 * Fastify's `frameworkErrors` option: router-level failures (a path parameter over maxParamLength, a
 * malformed URL) never reach the error handler, so they are typed here (found by test/fuzz).
 *
 * @example
 * const app = Fastify({ frameworkErrors });
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const e = serverErrors.create('FEDERA_ERR_REQUEST_INVALID', err.message);
  void reply.status(err.statusCode ?? 400).send({ code: e.code, message: e.message, retryable: false });
}

/** JSON Schema of the body every REST failure leaves with (for route `response` schemas and OpenAPI). */
export const errorReply = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, retryable: { type: 'boolean' } },
  required: ['code', 'message', 'retryable'],
} as const;

/**
 * The largest REST body any route accepts (routes may set less); a refused body declared at most this
 * long is also read and discarded instead of closing the connection.
 */
export const REST_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Fastify answers a body over its route's limit with `Connection: close` as soon as it sees the
 * declared Content-Length, and Node then closes the socket while the client is still sending: the
 * client's next write fails (EPIPE/ECONNRESET) and, under load, before it has read the 413. Like
 * nginx's lingering close (RFC 9112 §9.6), a body declared no longer than
 * {@link REST_BODY_LIMIT_BYTES} and not yet read is left to Node, which discards it and keeps the
 * connection; a longer or partly read one still closes it.
 */
function drainInsteadOfClosing(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE' || request.raw.readableDidRead) return;
  const declared = Number(request.headers['content-length']);
  if (declared <= REST_BODY_LIMIT_BYTES) reply.removeHeader('connection');
}

/** Every REST failure leaves as `{ code, message, retryable }` with the code's HTTP status. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    drainInsteadOfClosing(err, request, reply);
    if (isFederaError(err)) {
      return reply
        .status(err.status)
        .send({ code: err.code, message: err.message, retryable: err.retryable });
    }
    if (err.validation || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      const e = serverErrors.create('FEDERA_ERR_REQUEST_INVALID', err.message);
      return reply.status(err.statusCode ?? 400).send({ code: e.code, message: e.message, retryable: false });
    }
    request.log.error({ err }, 'unhandled error');
    const e = serverErrors.create('FEDERA_ERR_SERVER_INTERNAL');
    return reply.status(500).send({ code: e.code, message: e.message, retryable: true });
  });
  app.setNotFoundHandler((request, reply) => {
    const e = serverErrors.create('FEDERA_ERR_ROUTE_NOT_FOUND', `${request.method} ${request.url}`);
    return reply.status(404).send({ code: e.code, message: e.message, retryable: false });
  });
}
