import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  envelope,
  toFrames,
} from '@federa/protocol';
import { Server, type Socket } from 'socket.io';
import { takeNext } from '../helpers/raw-client.js';

/**
 * A bare socket.io server that speaks the Federa protocol by hand, so a test can
 * send a real client what no honest coordinator would (a task of a run it did
 * not join). It welcomes every hello and records everything the client sends.
 */
export class HandWrittenCoordinator {
  readonly received: EnvelopeBody[] = [];
  private socket: Socket | undefined;

  private constructor(
    private readonly io: Server,
    readonly url: string,
  ) {
    io.on('connection', (socket) => {
      this.socket = socket;
      const reader = new FrameReader();
      socket.on(FEDERA_EVENT, async (frame: Uint8Array) => {
        const env = await reader.push(frame);
        if (!env) return;
        this.received.push(env.body);
        if (env.body.kind === 'hello') {
          const runIds = env.body.hello.runIds;
          await this.send({
            kind: 'welcome',
            welcome: {
              sessionId: 's',
              protocolVersion: PROTOCOL_VERSION,
              chunkBytes: 0,
              maxMessageBytes: 0,
              runIds,
            },
          });
        }
      });
      void this.send({
        kind: 'challenge',
        challenge: { nonce: new Uint8Array(32).fill(7), protocolVersion: PROTOCOL_VERSION },
      });
    });
  }

  static async start(): Promise<HandWrittenCoordinator> {
    const http = createServer();
    const io = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new HandWrittenCoordinator(io, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  }

  async send(body: EnvelopeBody): Promise<void> {
    for (const frame of await toFrames(envelope(body), 256 * 1024)) this.socket?.emit(FEDERA_EVENT, frame);
  }

  /** The next received message of `kind` (consumed), waiting up to `timeoutMs`. */
  next<K extends EnvelopeBody['kind']>(kind: K, timeoutMs = 10_000) {
    return takeNext(this.received, kind, timeoutMs);
  }

  async close(): Promise<void> {
    await this.io.close();
  }
}
