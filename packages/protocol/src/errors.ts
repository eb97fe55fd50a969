import { defineErrors, FederaError, isFederaError } from '@federa/core';
import type { EnvelopeBody, WireError } from './messages.js';

/** Error table of `@federa/protocol`. docs/protocol.md lists it; a test keeps the two in sync. */
export const protocolErrors = defineErrors({
  FEDERA_ERR_PROTO_DECODE: {
    message: 'frame is not a valid federa.v1.Envelope',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_VERSION_UNSUPPORTED: {
    message: 'unsupported protocol version',
    status: 426,
    retryable: false,
  },
  FEDERA_ERR_PROTO_MISSING_FIELD: { message: 'required field missing', status: 400, retryable: false },
  FEDERA_ERR_PROTO_FIELD_RANGE: { message: 'field value out of range', status: 400, retryable: false },
  FEDERA_ERR_PROTO_TENSOR_DTYPE: { message: 'unsupported tensor dtype', status: 400, retryable: false },
  FEDERA_ERR_PROTO_TENSOR_SHAPE: {
    message: 'tensor shape or byte length does not match',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_TENSOR_NAME: {
    message: 'tensor name does not match the model',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_TENSOR_NOT_FINITE: {
    message: 'tensor holds NaN or Infinity',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_TENSOR_COUNT: { message: 'wrong number of tensors', status: 400, retryable: false },
  FEDERA_ERR_PROTO_CHUNK_ORDER: { message: 'chunk out of order or duplicated', status: 400, retryable: true },
  FEDERA_ERR_PROTO_CHUNK_HASH: { message: 'chunk or payload sha256 mismatch', status: 400, retryable: true },
  FEDERA_ERR_PROTO_CHUNK_MISMATCH: {
    message: 'chunk metadata inconsistent with its stream',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_CHUNK_TOO_LARGE: {
    message: 'frame or chunk exceeds the chunk size limit',
    status: 413,
    retryable: false,
  },
  FEDERA_ERR_PROTO_CHUNK_INCOMPLETE: {
    message: 'chunk stream ended short of total_bytes',
    status: 400,
    retryable: true,
  },
  FEDERA_ERR_PROTO_CHUNK_NESTED: {
    message: 'a chunk stream may not carry a Chunk',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_PROTO_MESSAGE_TOO_LARGE: {
    message: 'message exceeds the size limit',
    status: 413,
    retryable: false,
  },
  FEDERA_ERR_PROTO_TOO_MANY_STREAMS: { message: 'too many open chunk streams', status: 429, retryable: true },
  FEDERA_ERR_PROTO_INTERNAL: { message: 'internal error', status: 500, retryable: true },
});

/**
 * The same error with one more detail (kept if already set): the stream id a FrameReader adds, the ref
 * decodeEnvelope adds. Anything but a FederaError passes through.
 *
 * @example
 * throw withDetail(err, 'streamId', chunk.streamId);
 */
export function withDetail(err: unknown, key: 'ref' | 'streamId', value: string | undefined): unknown {
  if (!isFederaError(err) || value === undefined || err.details?.[key] !== undefined) return err;
  const { status, retryable } = err;
  return new FederaError(err.code, err.message, {
    status,
    retryable,
    cause: err,
    details: { ...err.details, [key]: value },
  });
}

/** Codes of `@federa/protocol`. */
export type ProtocolErrorCode = keyof typeof protocolErrors.table;

/**
 * Turn any thrown value into an error envelope body. FederaErrors keep code, message, status and
 * retryable; anything else becomes FEDERA_ERR_PROTO_INTERNAL with a generic message, so internals never leak.
 * `ref` defaults to the `ref` (set by decodeEnvelope from the offending message) or `streamId` (set by a
 * FrameReader) the error carries in its details.
 *
 * @example
 * socket.emit(FEDERA_EVENT, encodeEnvelope(envelope(errorBody(err, task.taskId))));
 */
export function errorBody(err: unknown, ref?: string): EnvelopeBody {
  const fe = isFederaError(err) ? err : protocolErrors.create('FEDERA_ERR_PROTO_INTERNAL');
  const known = fe.details?.['ref'] ?? fe.details?.['streamId'];
  const error: WireError = {
    code: fe.code,
    message: fe.message,
    retryable: fe.retryable,
    httpStatus: fe.status,
    ref: ref ?? (typeof known === 'string' ? known : ''),
  };
  return { kind: 'error', error };
}

/**
 * Rebuild a FederaError from a received error envelope (`details.ref` holds the ref when set).
 *
 * @example
 * if (env.body.kind === 'error') throw errorFromWire(env.body.error);
 */
export function errorFromWire(e: WireError): FederaError {
  return new FederaError(e.code || 'FEDERA_ERR_PROTO_INTERNAL', e.message, {
    status: e.httpStatus || 500,
    retryable: e.retryable,
    details: e.ref ? { ref: e.ref } : undefined,
  });
}
