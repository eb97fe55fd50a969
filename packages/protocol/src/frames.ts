import { DEFAULT_CHUNK_BYTES } from './constants.js';
import { encodeEnvelope, envelope } from './envelope.js';
import { sha256, toHex } from './hash.js';
import type { Envelope } from './messages.js';

/**
 * 128-bit random stream id, 32 hex characters; randomness from WebCrypto so ids are unguessable.
 *
 * @example
 * newStreamId(); // '9f2c…' (32 lowercase hex characters)
 */
export function newStreamId(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Frames to emit, in order, one per socket.io "federa" event. An envelope whose encoding fits in
 * `chunkBytes` travels as one frame; a larger one is split into `ceil(len / chunkBytes)` Chunk envelopes
 * carrying the encoded bytes, each with its own sha256 and the whole payload's sha256 and length.
 *
 * @example
 * for (const frame of await toFrames(envelope({ kind: 'update', update }), welcome.chunkBytes)) {
 *   socket.emit(FEDERA_EVENT, frame);
 * }
 */
export async function toFrames(
  env: Envelope,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): Promise<Uint8Array[]> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1)
    throw new TypeError('chunkBytes must be a positive integer');
  const payload = encodeEnvelope(env);
  if (payload.byteLength <= chunkBytes) return [payload];
  if (env.body.kind === 'chunk')
    throw new TypeError('a Chunk envelope larger than chunkBytes cannot be chunked again');
  return chunkPayload(payload, chunkBytes);
}

/**
 * Split any byte string into a Chunk stream (what toFrames does for a large envelope). Exposed for tests
 * and tools (a fixed `streamId` makes the frames reproducible, as proto/testdata's are; senders must use
 * a fresh random one); a FrameReader only accepts streams whose payload is itself a non-Chunk Envelope.
 *
 * @example
 * const frames = await chunkPayload(encodeEnvelope(env), 64 * 1024);
 */
export async function chunkPayload(
  payload: Uint8Array,
  chunkBytes: number,
  streamId: string = newStreamId(),
): Promise<Uint8Array[]> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1)
    throw new TypeError('chunkBytes must be a positive integer');
  if (payload.byteLength === 0) throw new TypeError('cannot chunk an empty payload');
  const total = Math.ceil(payload.byteLength / chunkBytes);
  const payloadSha256 = await sha256(payload);
  const frames: Uint8Array[] = [];
  for (let index = 0; index < total; index++) {
    const data = payload.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    const chunk = {
      streamId,
      index,
      total,
      totalBytes: payload.byteLength,
      payloadSha256,
      chunkSha256: await sha256(data),
      data,
    };
    frames.push(encodeEnvelope(envelope({ kind: 'chunk', chunk })));
  }
  return frames;
}
