import { type DeviceKey, helloCredentials } from '@federa/client';
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
import { type Socket, io } from 'socket.io-client';

/** socket.io options a test may set: a test CA for wss, or the transports (default websocket only). */
export interface RawClientOptions {
  ca?: string;
  transports?: Array<'websocket' | 'polling'>;
}

/**
 * A protocol-level client for tests: speaks raw frames, so tests can send
 * anything a hostile or buggy client could.
 */
export class RawClient {
  readonly received: EnvelopeBody[] = [];
  disconnected = false;
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();

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

  /** Connect and stop at the challenge, so the test decides what hello to send. `ca` trusts a test CA (wss). */
  static async open(
    url: string,
    opts: RawClientOptions = {},
  ): Promise<{ raw: RawClient; nonce: Uint8Array }> {
    const raw = new RawClient(io(url, { transports: ['websocket'], reconnection: false, ...opts }));
    const challenge = await raw.next('challenge');
    return { raw, nonce: challenge.challenge.nonce };
  }

  /** A hello for `clientId` joining `runIds`, signed over `nonce` when a device key is given, carrying `token`. */
  static async hello(
    clientId: string,
    nonce: Uint8Array,
    key?: DeviceKey,
    runIds: string[] = [],
    token = '',
  ): Promise<ClientHello> {
    const credentials = key
      ? await helloCredentials(key, nonce, clientId, token)
      : { token, publicKey: new Uint8Array(), signature: new Uint8Array(), keyAlgorithm: '' };
    return {
      clientId,
      credentials,
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { backend: 'none', maxMessageBytes: 0, secureAggregation: false, features: [] },
      sdkVersion: 'raw',
      runIds,
    };
  }

  /** Connect, say an unsigned hello as `clientId` joining `runIds` (carrying `token`) and wait to be welcomed. */
  static async connect(
    url: string,
    clientId: string,
    runIds: string[] = [],
    opts: RawClientOptions = {},
    token = '',
  ): Promise<RawClient> {
    const { raw, nonce } = await RawClient.open(url, opts);
    await raw.send({
      kind: 'hello',
      hello: await RawClient.hello(clientId, nonce, undefined, runIds, token),
    });
    await raw.next('welcome');
    return raw;
  }

  async send(body: EnvelopeBody, chunkBytes = 256 * 1024): Promise<void> {
    for (const f of await toFrames(envelope(body), chunkBytes)) this.socket.emit(FEDERA_EVENT, f);
  }

  sendFrame(frame: Uint8Array): void {
    this.socket.emit(FEDERA_EVENT, frame);
  }

  /** The next received message of `kind` (consumed), waiting up to `timeoutMs`. */
  next<K extends EnvelopeKind>(kind: K, timeoutMs = 15_000): Promise<Extract<EnvelopeBody, { kind: K }>> {
    return takeNext(this.received, kind, timeoutMs);
  }

  /** The code of the next Error envelope. */
  async nextErrorCode(): Promise<string> {
    return (await this.next('error')).error.code;
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Remove and return the first message of `kind` in `received`, waiting for it up to `timeoutMs`. */
export async function takeNext<K extends EnvelopeKind>(
  received: EnvelopeBody[],
  kind: K,
  timeoutMs: number,
): Promise<Extract<EnvelopeBody, { kind: K }>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const i = received.findIndex((b) => b.kind === kind);
    if (i >= 0) return received.splice(i, 1)[0] as Extract<EnvelopeBody, { kind: K }>;
    if (Date.now() > end) throw new Error(`no ${kind} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
