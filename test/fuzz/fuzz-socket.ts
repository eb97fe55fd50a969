import {
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  encodeEnvelope,
  envelope,
} from '@federa/protocol';
import { type Socket, io } from 'socket.io-client';

/** What one fuzzing socket saw come back. */
export interface ReplyTally {
  /** Error codes received. */
  codes: Map<string, number>;
  /** Non-error reply kinds received. */
  kinds: Map<string, number>;
  /** Replies that did not decode as envelopes (must stay 0). */
  undecodable: number;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * A raw socket.io connection that sends anything, decodes every reply and
 * counts it. A batch ends with a sentinel update whose error (UNKNOWN_TASK or
 * NO_HELLO, ref = sentinel id) proves every earlier frame was handled, since the
 * gateway answers a socket's frames in order.
 *
 * @example
 * const s = await FuzzSocket.open(url, 'fuzz-1', tally);
 * const ok = await s.blast(frames, 'sentinel-1');
 */
export class FuzzSocket {
  private readonly reader = new FrameReader({ maxChunkBytes: 1 << 20 });
  private readonly waiters = new Map<string, () => void>();
  private closed = false;
  private onClose: () => void = () => undefined;

  private constructor(
    private readonly socket: Socket,
    tally: ReplyTally,
  ) {
    socket.on(FEDERA_EVENT, (frame: Uint8Array) => {
      this.reader
        .push(frame)
        .then((env) => {
          if (!env) return;
          const body = env.body;
          if (body.kind !== 'error') return void bump(tally.kinds, body.kind);
          bump(tally.codes, body.error.code);
          this.waiters.get(body.error.ref)?.();
        })
        .catch(() => {
          tally.undecodable++;
        });
    });
    socket.on('disconnect', () => {
      this.closed = true;
      this.onClose();
    });
  }

  /** Connect; with `clientId`, say hello (joining `runIds`, carrying `token`) and wait for the welcome. */
  static async open(
    url: string,
    clientId: string | undefined,
    tally: ReplyTally,
    runIds: string[] = [],
    token = '',
  ): Promise<FuzzSocket> {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const s = new FuzzSocket(socket, tally);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    if (clientId) {
      const welcomed = new Promise<void>((resolve) => {
        const check = () => (tally.kinds.get('welcome') ?? 0) > before;
        const before = tally.kinds.get('welcome') ?? 0;
        const poll = () => (check() ? resolve() : setTimeout(poll, 5));
        poll();
      });
      socket.emit(FEDERA_EVENT, encodeEnvelope(envelope(helloOf(clientId, runIds, token))));
      await welcomed;
    }
    return s;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Send every frame without waiting, then a sentinel; false if the server hung up first. */
  blast(frames: readonly unknown[], sentinel: string, event = FEDERA_EVENT): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.set(sentinel, () => resolve(true));
      this.onClose = () => resolve(false);
      for (const f of frames) this.socket.emit(event, f);
      this.socket.emit(FEDERA_EVENT, encodeEnvelope(envelope(sentinelUpdate(sentinel))));
    }).finally(() => this.waiters.delete(sentinel)) as Promise<boolean>;
  }

  /** Emit on arbitrary event names (the gateway ignores them; nothing may break). */
  emitOther(event: string, payload: unknown): void {
    this.socket.emit(event, payload);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function helloOf(clientId: string, runIds: string[], token = ''): EnvelopeBody {
  return {
    kind: 'hello',
    hello: {
      clientId,
      credentials: { token, publicKey: new Uint8Array(), signature: new Uint8Array(), keyAlgorithm: '' },
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { backend: 'fuzz', maxMessageBytes: 0, secureAggregation: false, features: [] },
      sdkVersion: 'fuzz',
      runIds,
    },
  };
}

function sentinelUpdate(taskId: string): EnvelopeBody {
  return {
    kind: 'update',
    update: {
      taskId,
      runId: 'sentinel',
      round: 1,
      baseVersion: 0,
      numExamples: 1,
      metrics: {},
      tensors: [{ name: 'x', shape: [1], dtype: 'float32', data: new Uint8Array(4) }],
    },
  };
}
