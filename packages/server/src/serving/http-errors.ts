import { type FederaError, isFederaError } from '@federa/core';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { servingErrors } from './errors.js';

/** Typed error body of every serving route. */
export interface ErrorBody {
  code: string;
  message: string;
  retryable: boolean;
}

// Fastify's own failures, mapped onto our table.
const FASTIFY_CODES = new Map<string, keyof typeof servingErrors.table>([
  ['FST_ERR_VALIDATION', 'FEDERA_ERR_SERVING_BAD_REQUEST'],
  ['FST_ERR_CTP_INVALID_JSON_BODY', 'FEDERA_ERR_SERVING_BAD_REQUEST'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', 'FEDERA_ERR_SERVING_BAD_REQUEST'],
  ['FST_ERR_CTP_BODY_TOO_LARGE', 'FEDERA_ERR_SERVING_BODY_TOO_LARGE'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA'],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'FEDERA_ERR_SERVING_BAD_REQUEST'],
]);

/** Our error for `err`: FederaErrors pass through, fastify's own 4xx map onto the table, the rest is internal. */
function toFederaError(err: unknown, reply: FastifyReply): FederaError {
  if (isFederaError(err)) return err;
  const fe = err as Partial<FastifyError>;
  const mapped = fe.code ? FASTIFY_CODES.get(fe.code) : undefined;
  if (mapped) return servingErrors.create(mapped, fe.message);
  if (err instanceof SyntaxError || (fe.statusCode !== undefined && fe.statusCode < 500)) {
    return servingErrors.create('FEDERA_ERR_SERVING_BAD_REQUEST', fe.message);
  }
  reply.log.error({ err }, 'serving: unexpected error');
  return servingErrors.create('FEDERA_ERR_SERVING_INTERNAL');
}

/** Send `err` as `{ code, message, retryable }` with the table's status (and Retry-After when retryable). */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toFederaError(err, reply);
  if (e.status >= 500) reply.log.warn({ code: e.code }, e.message);
  if (e.retryable) reply.header('retry-after', String(e.details?.['retryAfterS'] ?? 1));
  return reply
    .code(e.status)
    .send({ code: e.code, message: e.message, retryable: e.retryable } satisfies ErrorBody);
}

/** Install the typed error handler on an encapsulated serving context. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, _request, reply) => sendError(reply, err));
}
