import { isFederaError } from '@federa/core';
import { PROTOCOL_VERSION } from './constants.js';
import { protocolErrors, withDetail } from './errors.js';
import type { Envelope, EnvelopeBody } from './messages.js';
import { bodyTypes, EnvelopeType } from './schema.js';
import { messageRef, protoFieldName } from './message-rules.js';
import { fromWire } from './wire-decode.js';
import { toWire } from './wire-encode.js';

/**
 * Wrap a body in an Envelope stamped with {@link PROTOCOL_VERSION}.
 *
 * @example
 * const env = envelope({ kind: 'ack', ack: { ref: task.taskId, status: 'accepted' } });
 */
export function envelope(body: EnvelopeBody): Envelope {
  return { protocolVersion: PROTOCOL_VERSION, body };
}

/** A Uint8Array that owns exactly its bytes (protobufjs may return a pooled Buffer slice). */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  const exact = bytes.constructor === Uint8Array && bytes.byteOffset === 0;
  return exact && bytes.buffer.byteLength === bytes.byteLength ? bytes : new Uint8Array(bytes);
}

/**
 * Serialize an Envelope to protobuf bytes. Throws TypeError on values the schema cannot carry
 * (wrong type, out-of-range integer, non-finite double, unknown kind).
 *
 * @example
 * socket.emit(FEDERA_EVENT, encodeEnvelope(envelope({ kind: 'modelRequest', modelRequest: { runId, modelVersion } })));
 */
export function encodeEnvelope(env: Envelope): Uint8Array {
  const kind = env.body.kind;
  const type = bodyTypes.get(kind);
  if (type === undefined) throw new TypeError(`cannot encode Envelope: unknown body kind ${String(kind)}`);
  const version = env.protocolVersion;
  if (!Number.isInteger(version) || version < 0 || version > 0xffff_ffff) {
    throw new TypeError('cannot encode Envelope: protocolVersion must be a uint32');
  }
  const payload = (env.body as unknown as Record<string, Record<string, unknown>>)[kind];
  if (typeof payload !== 'object' || payload === null)
    throw new TypeError(`cannot encode Envelope: ${kind} missing`);
  const wire = { protocolVersion: version, [kind]: toWire(type, payload, kind) };
  return ownedBytes(EnvelopeType.encode(wire).finish());
}

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (Object.prototype.toString.call(input) === '[object ArrayBuffer]') return new Uint8Array(input);
  throw new TypeError('decodeEnvelope expects a Uint8Array or ArrayBuffer');
}

/**
 * Parse and validate one Envelope. Throws FederaError: FEDERA_ERR_PROTO_DECODE (not protobuf),
 * VERSION_UNSUPPORTED (protocol_version !== PROTOCOL_VERSION), MISSING_FIELD (no body, or a required field empty),
 * FIELD_RANGE (uint64 above 2^53-1, non-finite double, bad Chunk bounds), TENSOR_DTYPE (unknown dtype).
 * Bytes fields are fresh copies, never views into `bytes`.
 *
 * @example
 * const env = decodeEnvelope(frame);
 * if (env.body.kind === 'task') startTraining(env.body.task);
 */
export function decodeEnvelope(bytes: Uint8Array | ArrayBuffer): Envelope {
  const view = asBytes(bytes);
  let message: Record<string, unknown>;
  try {
    message = EnvelopeType.decode(view) as unknown as Record<string, unknown>;
  } catch (cause) {
    throw protocolErrors.create('FEDERA_ERR_PROTO_DECODE', undefined, { cause });
  }
  try {
    const version = message['protocolVersion'];
    if (version !== PROTOCOL_VERSION) {
      throw protocolErrors.create(
        'FEDERA_ERR_PROTO_VERSION_UNSUPPORTED',
        `got ${String(version)}, speak ${PROTOCOL_VERSION}`,
      );
    }
    const kind = message['body'];
    const type = typeof kind === 'string' ? bodyTypes.get(kind) : undefined;
    if (typeof kind !== 'string' || type === undefined) {
      throw protocolErrors.create('FEDERA_ERR_PROTO_MISSING_FIELD', 'Envelope.body');
    }
    const value = fromWire(type, message[kind] as Record<string, unknown>, protoFieldName(kind));
    return { protocolVersion: PROTOCOL_VERSION, body: { kind, [kind]: value } as unknown as EnvelopeBody };
  } catch (cause) {
    const body = typeof message['body'] === 'string' ? message[message['body']] : undefined;
    if (isFederaError(cause)) throw withDetail(cause, 'ref', messageRef(body));
    throw protocolErrors.create('FEDERA_ERR_PROTO_DECODE', undefined, { cause });
  }
}
