import { POLLING_FRAME_OVERHEAD, transportMaxBytes } from '@federa/protocol';
import type { Server, ServerOptions } from 'socket.io';

/** engine.io-client packs a long-polling POST up to the handshake's maxPayload estimating base64 as 1.33 bytes per byte. */
const CLIENT_BASE64_ESTIMATE = 1.33;

/**
 * socket.io options sized from the chunk size, so a full chunk frame fits every transport (long polling
 * base64-encodes binary): docs/protocol.md "Transports and limits".
 */
export function transportOptions(chunkBytes: number): Pick<ServerOptions, 'maxHttpBufferSize'> {
  return { maxHttpBufferSize: transportMaxBytes(chunkBytes) };
}

/**
 * Base64 is exactly 4/3, so a polling body engine.io-client packed to the advertised limit can run about
 * 0.25% over it; accept that margin instead of answering 413 to a conforming client.
 */
export function acceptPackedPollingBodies(io: Server, chunkBytes: number): void {
  const limit =
    Math.ceil((transportMaxBytes(chunkBytes) * 4) / 3 / CLIENT_BASE64_ESTIMATE) + POLLING_FRAME_OVERHEAD;
  io.engine.on('connection', (socket: { transport: { name: string; maxHttpBufferSize?: number } }) => {
    if (socket.transport.name === 'polling') socket.transport.maxHttpBufferSize = limit;
  });
}
