import {
  CHUNK_FRAME_OVERHEAD,
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_OPEN_STREAMS,
} from './constants.js';
import { decodeEnvelope } from './envelope.js';
import { type ProtocolErrorCode, protocolErrors, withDetail } from './errors.js';
import { bytesEqual, sha256 } from './hash.js';
import type { Chunk, Envelope } from './messages.js';

/** How many failed stream ids a reader remembers, to swallow the rest of their chunks quietly. */
const FAILED_STREAMS_REMEMBERED = 16;

/** Bounds a FrameReader enforces on what a peer may make it buffer. */
export interface FrameReaderLimits {
  /** Largest reassembled payload (Chunk.total_bytes). */
  maxMessageBytes: number;
  /** Largest Chunk data; whole frames may exceed it by CHUNK_FRAME_OVERHEAD at most. */
  maxChunkBytes: number;
  /** Chunk streams that may be open (started, not finished) at once. */
  maxOpenStreams: number;
}

interface OpenStream {
  readonly first: Chunk;
  readonly parts: Uint8Array[];
  received: number;
  nextIndex: number;
  lastActivityMs: number;
}

/**
 * Reassembles the frames of one connection into Envelopes, enforcing docs/protocol.md "Chunking".
 * Frames are processed strictly in arrival order even if push() is called without awaiting. After a stream
 * fails, its remaining chunks resolve to undefined (the sender already has its one error).
 *
 * @example
 * const reader = new FrameReader({ maxMessageBytes: 16 << 20 });
 * socket.on(FEDERA_EVENT, async (frame) => {
 *   const env = await reader.push(frame).catch((err) => { sendError(err); return undefined; });
 *   if (env) handle(env);
 * });
 */
export class FrameReader {
  /** Current limits; a client may raise `maxChunkBytes` to the server's `Welcome.chunkBytes`. */
  readonly limits: FrameReaderLimits;
  private readonly streams = new Map<string, OpenStream>();
  /** Recently failed stream ids: their remaining chunks are ignored instead of each earning an error. */
  private readonly failedStreams: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(limits: Partial<FrameReaderLimits> = {}) {
    this.limits = {
      maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxChunkBytes: limits.maxChunkBytes ?? DEFAULT_CHUNK_BYTES,
      maxOpenStreams: limits.maxOpenStreams ?? DEFAULT_MAX_OPEN_STREAMS,
    };
  }

  /** Chunk streams currently buffered. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Chunk data bytes held by open streams: what this peer currently makes the reader buffer. */
  get bufferedBytes(): number {
    let total = 0;
    for (const stream of this.streams.values()) total += stream.received;
    return total;
  }

  /** Feed one received frame; resolves the complete Envelope, or undefined while a chunk stream is incomplete. */
  push(frame: Uint8Array | ArrayBuffer): Promise<Envelope | undefined> {
    const result = this.queue.then(() => this.process(frame));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Forget every open and failed stream: the connection they came on closed. A peer resends a whole
   * message on its next connection, from chunk 0 and possibly under the same stream id (the
   * coordinator's encoded model frames are cached), which a half-read stream would refuse.
   */
  reset(): void {
    this.streams.clear();
    this.failedStreams.length = 0;
  }

  /** Drop streams idle for more than `maxIdleMs`; returns the dropped stream ids (truncated streams end here). */
  expire(nowMs: number, maxIdleMs: number): string[] {
    const dropped: string[] = [];
    for (const [id, stream] of this.streams) {
      if (nowMs - stream.lastActivityMs > maxIdleMs) {
        this.streams.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  private async process(frame: Uint8Array | ArrayBuffer): Promise<Envelope | undefined> {
    if (frame.byteLength > this.limits.maxChunkBytes + CHUNK_FRAME_OVERHEAD) {
      throw protocolErrors.create('FEDERA_ERR_PROTO_CHUNK_TOO_LARGE', `frame of ${frame.byteLength} bytes`);
    }
    const env = decodeEnvelope(frame);
    if (env.body.kind !== 'chunk') return env;
    const chunk = env.body.chunk;
    if (this.failedStreams.includes(chunk.streamId)) return undefined;
    try {
      return await this.accept(chunk);
    } catch (err) {
      this.streams.delete(chunk.streamId);
      this.failedStreams.push(chunk.streamId);
      if (this.failedStreams.length > FAILED_STREAMS_REMEMBERED) this.failedStreams.shift();
      throw withDetail(err, 'streamId', chunk.streamId);
    }
  }

  private fail(code: ProtocolErrorCode, chunk: Chunk, why: string): never {
    throw protocolErrors.create(code, `stream ${chunk.streamId}: ${why}`, {
      details: { streamId: chunk.streamId },
    });
  }

  private async accept(chunk: Chunk): Promise<Envelope | undefined> {
    if (chunk.data.byteLength > this.limits.maxChunkBytes) {
      this.fail('FEDERA_ERR_PROTO_CHUNK_TOO_LARGE', chunk, `${chunk.data.byteLength} data bytes`);
    }
    const stream = this.streams.get(chunk.streamId) ?? this.open(chunk);
    if (chunk.index !== stream.nextIndex) {
      this.fail('FEDERA_ERR_PROTO_CHUNK_ORDER', chunk, `index ${chunk.index}, expected ${stream.nextIndex}`);
    }
    const { first } = stream;
    const sameHeader =
      chunk.total === first.total &&
      chunk.totalBytes === first.totalBytes &&
      bytesEqual(chunk.payloadSha256, first.payloadSha256);
    if (!sameHeader)
      this.fail('FEDERA_ERR_PROTO_CHUNK_MISMATCH', chunk, 'total, total_bytes or payload_sha256 changed');
    if (stream.received + chunk.data.byteLength > first.totalBytes) {
      this.fail('FEDERA_ERR_PROTO_CHUNK_MISMATCH', chunk, 'more bytes than total_bytes');
    }
    if (!bytesEqual(await sha256(chunk.data), chunk.chunkSha256)) {
      this.fail('FEDERA_ERR_PROTO_CHUNK_HASH', chunk, `chunk ${chunk.index} sha256 mismatch`);
    }
    stream.parts.push(chunk.data);
    stream.received += chunk.data.byteLength;
    stream.nextIndex++;
    stream.lastActivityMs = Date.now();
    return stream.nextIndex === first.total ? this.finish(chunk, stream) : undefined;
  }

  private open(chunk: Chunk): OpenStream {
    if (chunk.index !== 0)
      this.fail('FEDERA_ERR_PROTO_CHUNK_ORDER', chunk, `unknown stream starts at index ${chunk.index}`);
    if (chunk.totalBytes > this.limits.maxMessageBytes) {
      this.fail(
        'FEDERA_ERR_PROTO_MESSAGE_TOO_LARGE',
        chunk,
        `total_bytes ${chunk.totalBytes} > ${this.limits.maxMessageBytes}`,
      );
    }
    if (chunk.total > chunk.totalBytes)
      this.fail('FEDERA_ERR_PROTO_CHUNK_MISMATCH', chunk, 'more chunks than bytes');
    if (this.streams.size >= this.limits.maxOpenStreams) {
      this.fail('FEDERA_ERR_PROTO_TOO_MANY_STREAMS', chunk, `${this.streams.size} already open`);
    }
    const stream: OpenStream = {
      first: chunk,
      parts: [],
      received: 0,
      nextIndex: 0,
      lastActivityMs: Date.now(),
    };
    this.streams.set(chunk.streamId, stream);
    return stream;
  }

  private async finish(chunk: Chunk, stream: OpenStream): Promise<Envelope> {
    this.streams.delete(chunk.streamId);
    if (stream.received !== stream.first.totalBytes) {
      this.fail(
        'FEDERA_ERR_PROTO_CHUNK_INCOMPLETE',
        chunk,
        `${stream.received} of ${stream.first.totalBytes} bytes`,
      );
    }
    const payload = new Uint8Array(stream.received);
    let at = 0;
    for (const part of stream.parts) {
      payload.set(part, at);
      at += part.byteLength;
    }
    if (!bytesEqual(await sha256(payload), stream.first.payloadSha256)) {
      this.fail('FEDERA_ERR_PROTO_CHUNK_HASH', chunk, 'payload sha256 mismatch');
    }
    const env = decodeEnvelope(payload);
    if (env.body.kind === 'chunk') this.fail('FEDERA_ERR_PROTO_CHUNK_NESTED', chunk, 'payload is a Chunk');
    return env;
  }
}
