import { CHUNK_FRAME_OVERHEAD } from './constants.js';

/**
 * Bytes socket.io and engine.io add around one binary frame in an HTTP long-polling body, rounded up:
 * the placeholder event packet `451-["federa",{"_placeholder":true,"num":0}]` (44 bytes), the `b`
 * prefix of a base64 packet and two record separators.
 */
export const POLLING_FRAME_OVERHEAD = 128;

/**
 * The largest frame a sender using `chunkBytes` emits (a full Chunk envelope), and so the largest a
 * receiver with that chunk size accepts.
 *
 * @example
 * maxFrameBytes(256 * 1024); // 262400
 */
export function maxFrameBytes(chunkBytes: number): number {
  return chunkBytes + CHUNK_FRAME_OVERHEAD;
}

/**
 * Bytes a frame takes in a long-polling body, where engine.io sends binary as base64 (4 bytes per 3).
 *
 * @example
 * pollingFrameBytes(262400); // 349996
 */
export function pollingFrameBytes(frameBytes: number): number {
  return 4 * Math.ceil(frameBytes / 3) + POLLING_FRAME_OVERHEAD;
}

/**
 * The transport limit for a chunk size: engine.io's `maxHttpBufferSize`, which is the largest WebSocket
 * message and the largest long-polling body, and is advertised to clients as the handshake's
 * `maxPayload`. It holds two full frames base64-encoded, so every frame a conforming sender emits fits
 * every transport, and a frame up to about twice the frame limit still reaches the receiver, which
 * answers it with a typed `CHUNK_TOO_LARGE` Error instead of the transport dropping it silently.
 *
 * @example
 * transportMaxBytes(256 * 1024); // 699992 (683.6 KiB)
 */
export function transportMaxBytes(chunkBytes: number): number {
  return 2 * pollingFrameBytes(maxFrameBytes(chunkBytes));
}
