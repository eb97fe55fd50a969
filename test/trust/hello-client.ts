import {
  type ClientHello,
  type EnvelopeBody,
  type EnvelopeKind,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  envelope,
  toFrames,
} from '@federa/protocol';
import { type DeviceKey, helloCredentials } from '@federa/client';
import { type Socket, io } from 'socket.io-client';

/**
 * A protocol-level client that stops at the challenge, so a test decides what
 * hello to send: signed, unsigned, or replayed from another session.
 */
export class HelloClient {
  readonly received: EnvelopeBody[] = [];
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  disconnected = false;

  private constructor(readonly socket: Socket) {
    socket.on(FEDERA_EVENT, (frame: Uint8Array) => {
      this.queue = this.queue.then(async () => {
        const env = await this.reader.push(frame);
        if (env) this.received.push(env.body);
      });
    });
    socket.on('disconnect', () => {
      this.disconnected = true;
    });
  }

  /** Connect and wait for the challenge; returns the client and this session's nonce. */
  static async open(url: string): Promise<{ raw: HelloClient; nonce: Uint8Array }> {
    const raw = new HelloClient(io(url, { transports: ['websocket'], reconnection: false }));
    const challenge = await raw.next('challenge');
    return { raw, nonce: challenge.challenge.nonce };
  }

  /** A hello for `clientId`, signed over `nonce` when a key is given. */
  static async hello(clientId: string, nonce: Uint8Array, key?: DeviceKey): Promise<ClientHello> {
    const credentials = key
      ? await helloCredentials(key, nonce, clientId)
      : { token: '', publicKey: new Uint8Array(), signature: new Uint8Array(), keyAlgorithm: '' };
    return {
      clientId,
      credentials,
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { backend: 'none', maxMessageBytes: 0, secureAggregation: false, features: [] },
      sdkVersion: 'trust-test',
    };
  }

  async send(body: EnvelopeBody): Promise<void> {
    for (const f of await toFrames(envelope(body), 256 * 1024)) this.socket.emit(FEDERA_EVENT, f);
  }

  async next<K extends EnvelopeKind>(
    kind: K,
    timeoutMs = 15_000,
  ): Promise<Extract<EnvelopeBody, { kind: K }>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((b) => b.kind === kind);
      if (i >= 0) return this.received.splice(i, 1)[0] as Extract<EnvelopeBody, { kind: K }>;
      if (Date.now() > end) throw new Error(`no ${kind} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async nextErrorCode(): Promise<string> {
    return (await this.next('error')).error.code;
  }

  close(): void {
    this.socket.disconnect();
  }
}
