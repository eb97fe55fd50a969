import { isFederaError } from '@federa/core';
import {
  CLIENT_ID_PATTERN,
  decodeEnvelope,
  type ClientHello,
  type ClientToServerEvents,
  type Envelope,
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
  envelope,
  errorBody,
  messageRef,
  protocolErrors,
  toFrames,
} from '@federa/protocol';
import type { Server, Socket } from 'socket.io';
import type { Coordinator } from '../coordinator.js';
import { serverErrors } from '../errors.js';
import type { FederationEvents } from '../events.js';
import { identityErrors } from '../identity/errors.js';
import type { HelloVerdict } from '../identity/hello-authenticator.js';
import { KeyedRateLimiter, type RateLimitOptions, type RateVerdict } from '../identity/rate-limit.js';
import { randomId } from '../rounds/random-id.js';
import type { AdmittedRuns } from '../membership/index.js';
import { Admission, type GatewayLimits } from './admission.js';
import type { ConnectedClient } from './client-pool.js';

/** Limits and hooks of the socket.io gateway. */
export interface GatewayOptions {
  chunkBytes: number;
  maxMessageBytes: number;
  /** A chunk stream idle this long is dropped (truncated uploads end here). */
  streamIdleMs: number;
  /** Decide whether a hello's credentials admit the client, and whether they prove its id. */
  authenticate: (hello: ClientHello, nonce: Uint8Array) => Promise<HelloVerdict>;
  /** True once a client was revoked: checked on every message after the hello. */
  isRevoked?: (clientId: string) => boolean;
  /** Per-client token buckets (messages/s, bytes/s); `false` turns them off. */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Sockets per address, hello timeout and size, pending bytes across sockets (defaults: GATEWAY_LIMITS). */
  limits?: Partial<GatewayLimits>;
  events: FederationEvents;
}

type FederaSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/**
 * Translate socket.io traffic to coordinator calls: one FrameReader per
 * socket, messages handled strictly in arrival order, every failure answered
 * with a typed Error envelope. Nothing here decides round logic.
 */
export function attachGateway(io: Server, coordinator: Coordinator, opts: GatewayOptions): void {
  const limiter = opts.rateLimit === false ? undefined : new KeyedRateLimiter(opts.rateLimit);
  const admission = new Admission(opts.limits);
  io.on('connection', (socket: FederaSocket) => {
    const address = socket.handshake.address;
    if (!admission.admit(address)) {
      const err = serverErrors.create('FEDERA_ERR_SESSION_TOO_MANY_SOCKETS', address);
      void refuse(socket, err, opts.chunkBytes);
      return;
    }
    const session = new Session(socket, coordinator, opts, admission, limiter);
    void session.begin();
  });
  // A silent revoked client would otherwise keep its socket until it next speaks.
  opts.events.on('client-revoked', ({ clientId }) => {
    const client = coordinator.pool.get(clientId);
    if (client) void closeRevoked(coordinator, client);
  });
}

/** A typed error, then the socket closed. */
async function refuse(socket: FederaSocket, err: unknown, chunkBytes: number): Promise<void> {
  for (const frame of await toFrames(envelope(errorBody(err)), chunkBytes)) socket.emit(FEDERA_EVENT, frame);
  socket.disconnect(true);
}

const byteLength = (frame: unknown) =>
  frame instanceof Uint8Array || frame instanceof ArrayBuffer ? frame.byteLength : 0;

/** Out of the pool at once, then a typed error and the socket closed. */
async function closeRevoked(coordinator: Coordinator, client: ConnectedClient): Promise<void> {
  coordinator.pool.remove(client);
  await client.send(errorBody(identityErrors.create('FEDERA_ERR_IDENTITY_REVOKED'))).catch(() => undefined);
  client.close();
}

/**
 * One socket. Before its hello is admitted a socket may send exactly one frame, the hello (at most
 * `maxHelloBytes`, never chunked), within `helloTimeoutMs`; anything else closes it, so an
 * unauthenticated peer can make the gateway hold one small frame, never a chunk stream.
 */
class Session {
  private readonly reader: FrameReader;
  private readonly nonce = globalThis.crypto.getRandomValues(new Uint8Array(32));
  private client: ConnectedClient | undefined;
  private phase: 'hello' | 'authenticating' | 'ready' | 'closed' = 'hello';
  private queue: Promise<void> = Promise.resolve();
  private readonly sweep: NodeJS.Timeout;
  private readonly helloTimer: NodeJS.Timeout;
  /** This socket's share of the admission's pending bytes held in its reader's open streams. */
  private buffered = 0;
  /** Counted among its address's unauthenticated sockets until admitted or closed. */
  private unauthenticated = true;

  constructor(
    private readonly socket: FederaSocket,
    private readonly coordinator: Coordinator,
    private readonly opts: GatewayOptions,
    private readonly admission: Admission,
    private readonly limiter?: KeyedRateLimiter,
  ) {
    this.reader = new FrameReader({
      maxMessageBytes: opts.maxMessageBytes,
      maxChunkBytes: opts.chunkBytes,
      maxOpenStreams: 4,
    });
    this.sweep = setInterval(() => this.expireStreams(), Math.max(50, opts.streamIdleMs / 2)).unref();
    const { helloTimeoutMs } = admission.limits;
    this.helloTimer = setTimeout(
      () => this.close('no hello within the hello timeout'),
      helloTimeoutMs,
    ).unref();
    socket.on(FEDERA_EVENT, (frame: unknown) => {
      if (this.phase !== 'ready') return this.onFirstFrame(frame);
      const verdict = this.rateVerdict(frame);
      const bytes = byteLength(frame);
      if (verdict === 'ok' && !admission.reserve(bytes)) {
        const err = serverErrors.create(
          'FEDERA_ERR_SESSION_OVERLOADED',
          `${admission.pendingBytes} bytes pending`,
        );
        return void refuse(this.socket, err, this.opts.chunkBytes);
      }
      // Refused frames are not kept: only their verdict waits in the queue.
      const next =
        verdict === 'ok'
          ? () => this.onFrame(frame).finally(() => this.account(-bytes))
          : () => this.refuseRate(verdict);
      // Serialize: chunk order and hello-before-update depend on arrival order.
      this.queue = this.queue.then(next);
    });
    socket.on('disconnect', () => {
      this.leaveUnauthenticated();
      this.phase = 'closed';
      clearTimeout(this.helloTimer);
      this.admission.adjust(-this.buffered);
      this.buffered = 0;
      clearInterval(this.sweep);
      this.limiter?.forget(`socket:${socket.id}`);
      if (this.client) {
        this.coordinator.pool.remove(this.client);
        opts.events.emit('client-disconnected', { clientId: this.client.clientId });
      }
    });
  }

  /** The one frame a socket may send before it is admitted: a small, whole hello. */
  private onFirstFrame(frame: unknown): void {
    const { maxHelloBytes } = this.admission.limits;
    const bytes = byteLength(frame);
    if (this.phase !== 'hello') {
      this.close('a frame before the hello was answered');
      return;
    }
    if (bytes === 0 || bytes > maxHelloBytes) {
      this.close(`the first frame must be a binary hello of at most ${maxHelloBytes} bytes`);
      return;
    }
    this.phase = 'authenticating';
    this.queue = this.queue.then(async () => {
      let env: Envelope;
      try {
        env = decodeEnvelope(frame as Uint8Array);
      } catch (err) {
        return this.refuseHello(err as Error);
      }
      if (env.body.kind !== 'hello') return this.close(`got ${env.body.kind}`);
      clearTimeout(this.helloTimer);
      await this.onHello(env.body.hello);
    });
  }

  /** Leaves its address's count of unauthenticated sockets (once). */
  private leaveUnauthenticated(): void {
    if (!this.unauthenticated) return;
    this.unauthenticated = false;
    this.admission.release(this.socket.handshake.address);
  }

  /** NO_HELLO, then the socket closed. */
  private close(why: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    void refuse(this.socket, serverErrors.create('FEDERA_ERR_SESSION_NO_HELLO', why), this.opts.chunkBytes);
  }

  /** Move `delta` bytes (a handled frame leaving the queue) and the reader's buffered bytes into the admission. */
  private account(delta: number): void {
    if (this.phase === 'closed') {
      this.admission.adjust(delta);
      return;
    }
    const now = this.reader.bufferedBytes;
    this.admission.adjust(delta + now - this.buffered);
    this.buffered = now;
  }

  /** Per-client token buckets (messages/s and bytes/s), charged on arrival. */
  private rateVerdict(frame: unknown): RateVerdict {
    if (!this.limiter) return 'ok';
    return this.limiter.take(this.client?.clientId ?? `socket:${this.socket.id}`, byteLength(frame));
  }

  /** Answered in order with the other replies; sustained abuse ends the connection. */
  private async refuseRate(verdict: RateVerdict): Promise<void> {
    const err = serverErrors.create('FEDERA_ERR_RATE_LIMITED');
    this.opts.events.emit('update-rejected', { clientId: this.client?.clientId, code: err.code });
    await this.send(errorBody(err)).catch(() => undefined);
    if (verdict === 'disconnect') this.socket.disconnect(true);
  }

  /** A chunk stream that stopped arriving is dropped and answered with a typed error. */
  private expireStreams(): void {
    const expired = this.reader.expire(Date.now(), this.opts.streamIdleMs);
    if (expired.length) this.account(0);
    for (const streamId of expired) {
      const err = protocolErrors.create('FEDERA_ERR_PROTO_CHUNK_INCOMPLETE', streamId);
      this.opts.events.emit('update-rejected', { clientId: this.client?.clientId, code: err.code });
      void this.send(errorBody(err, streamId)).catch(() => undefined);
    }
  }

  async begin(): Promise<void> {
    await this.send({
      kind: 'challenge',
      challenge: { nonce: this.nonce, protocolVersion: PROTOCOL_VERSION },
    });
  }

  private async onFrame(frame: unknown): Promise<void> {
    if (this.phase === 'closed') return;
    let ref: string | undefined;
    try {
      if (!(frame instanceof Uint8Array || frame instanceof ArrayBuffer)) {
        throw serverErrors.create('FEDERA_ERR_SESSION_UNEXPECTED', 'frames must be binary');
      }
      const env = await this.reader.push(frame);
      if (env) {
        ref = messageRef((env.body as unknown as Record<string, unknown>)[env.body.kind]);
        await this.dispatch(env);
      }
    } catch (err) {
      const code = isFederaError(err) ? err.code : 'FEDERA_ERR_PROTO_INTERNAL';
      this.opts.events.emit('update-rejected', { clientId: this.client?.clientId, code });
      await this.send(errorBody(err, ref)).catch(() => undefined);
      // Before a hello, a peer speaking another protocol version cannot go on: told why, then hung up on.
      if (code === 'FEDERA_ERR_PROTO_VERSION_UNSUPPORTED' && !this.client) this.socket.disconnect(true);
    }
  }

  private async dispatch(env: Envelope): Promise<void> {
    const body = env.body;
    if (body.kind === 'hello') throw serverErrors.create('FEDERA_ERR_SESSION_UNEXPECTED', 'second hello');
    const client = this.client;
    if (!client) throw serverErrors.create('FEDERA_ERR_SESSION_NO_HELLO');
    // Backstop to the close at revocation time, for a message already queued behind it.
    if (this.opts.isRevoked?.(client.clientId)) return closeRevoked(this.coordinator, client);
    switch (body.kind) {
      case 'modelRequest': {
        // Per-run authorisation: a run's weights go to its members only.
        this.coordinator.membership.requireMember(client.clientId, body.modelRequest.runId);
        const frames = await this.coordinator.modelFrames(
          body.modelRequest.runId,
          body.modelRequest.modelVersion,
        );
        for (const f of frames) this.socket.emit(FEDERA_EVENT, f);
        return;
      }
      case 'update': {
        this.coordinator.acceptUpdate(client.clientId, body.update);
        await this.send({ kind: 'ack', ack: { ref: body.update.taskId, status: 'accepted' } });
        return;
      }
      case 'evaluateResult': {
        this.coordinator.acceptEvaluation(client.clientId, body.evaluateResult);
        await this.send({ kind: 'ack', ack: { ref: body.evaluateResult.taskId, status: 'accepted' } });
        return;
      }
      case 'error':
        // A client refusing its task (FEDERA_ERR_DATA_MODEL_MISMATCH …): nothing to answer.
        return this.coordinator.clientRefused(client.clientId, body.error);
      case 'secaggAdvertise':
      case 'secaggShareKeys':
      case 'secaggMasked':
      case 'secaggSurvivorSignature':
      case 'secaggUnmaskResponse':
        return this.coordinator.handleSecAgg(client.clientId, body);
      default:
        throw serverErrors.create('FEDERA_ERR_SESSION_UNEXPECTED', body.kind);
    }
  }

  private async onHello(hello: ClientHello): Promise<void> {
    // Checked first: an unbounded id would otherwise be kept in the pool, the events and the dashboard.
    if (!CLIENT_ID_PATTERN.test(hello.clientId))
      return this.refuseHello(serverErrors.create('FEDERA_ERR_SESSION_CLIENT_ID_INVALID'));
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      const detail = `hello speaks ${hello.protocolVersion}, this coordinator speaks ${PROTOCOL_VERSION}`;
      return this.refuseHello(protocolErrors.create('FEDERA_ERR_PROTO_VERSION_UNSUPPORTED', detail));
    }
    const verdict = await this.opts.authenticate(hello, this.nonce);
    // Re-checked after the await: a revocation during an async authenticate must not slip in.
    if (!verdict.admitted || this.opts.isRevoked?.(hello.clientId))
      return this.refuseHello(serverErrors.create('FEDERA_ERR_SESSION_UNAUTHENTICATED'));
    // A shared token proves no id: it must not take over (and receive the task of) a connected client.
    if (!verdict.provesId && this.coordinator.pool.get(hello.clientId))
      return this.refuseHello(serverErrors.create('FEDERA_ERR_SESSION_ID_IN_USE', hello.clientId));
    let joined: AdmittedRuns;
    try {
      joined = await this.coordinator.membership.admit(hello.clientId, hello.runIds);
    } catch (err) {
      return this.refuseHello(err);
    }
    const client: ConnectedClient = {
      clientId: hello.clientId,
      runs: joined.runs,
      send: (b) => this.send(b),
      close: () => this.socket.disconnect(true),
    };
    this.client = client;
    this.phase = 'ready';
    this.leaveUnauthenticated();
    const previous = this.coordinator.pool.add(client);
    if (previous) {
      await previous
        .send(errorBody(serverErrors.create('FEDERA_ERR_SESSION_DUPLICATE')))
        .catch(() => undefined);
      previous.close();
    }
    this.opts.events.emit('client-connected', { clientId: hello.clientId, runs: [...joined.runs] });
    const welcome = {
      sessionId: randomId(),
      protocolVersion: PROTOCOL_VERSION,
      chunkBytes: this.opts.chunkBytes,
      maxMessageBytes: this.opts.maxMessageBytes,
      runIds: [...joined.runs],
    };
    await this.send({ kind: 'welcome', welcome });
    // A declared run that already ended is announced at once, so the client need not wait for it.
    for (const ended of joined.ended) await this.send(ended);
    // After the welcome, so the client knows its session before its open task comes back.
    this.coordinator.clientReady(hello.clientId);
  }

  /** A hello that cannot be admitted: a typed refusal, then the socket closed; nothing of it is kept. */
  private async refuseHello(err: unknown): Promise<void> {
    this.phase = 'closed';
    await refuse(this.socket, err, this.opts.chunkBytes);
  }

  private async send(body: EnvelopeBody): Promise<void> {
    for (const frame of await toFrames(envelope(body), this.opts.chunkBytes))
      this.socket.emit(FEDERA_EVENT, frame);
  }
}
