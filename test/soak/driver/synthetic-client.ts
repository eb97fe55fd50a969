import type { TensorSpec } from '@federa/core';
import {
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  type RoundTask,
  envelope,
  tensorsFromWeights,
  toFrames,
} from '@federa/protocol';
import { type Socket, io } from 'socket.io-client';
import { syntheticDelta, syntheticExamples } from './synthetic-delta.js';

/** Options of one {@link SyntheticClient}. */
export interface SyntheticClientOptions {
  url: string;
  /** Its id is `${prefix}-${index}`; the index seeds its deltas. */
  prefix: string;
  index: number;
  /** Layout of the run's model (no model download is needed to answer). */
  specs: readonly TensorSpec[];
  /** The runs it joins (its hello's run_ids). */
  runs: readonly string[];
  /** Reconnect backoff, ms. Default 100 .. 2,000. */
  reconnectDelayMs?: number;
  /** Bearer token (`client` role) for the hello, when the coordinator has tokens configured. */
  token?: string;
}

/**
 * A protocol-complete participant without TF.js: says hello on every
 * challenge (so it survives coordinator restarts) and answers each task with
 * its deterministic synthetic delta, so a task that comes back gets the same
 * update again (recomputed, never stored). Thousands fit in one process.
 *
 * @example
 * const c = new SyntheticClient({ url, prefix: 'syn', index: 3, specs, runs: ['soak'] });
 * await c.connect();
 */
export class SyntheticClient {
  readonly clientId: string;
  /** Task ids the coordinator acknowledged. */
  readonly acked = new Set<string>();
  /** Error codes received, in order. */
  readonly errors: string[] = [];
  tasksReceived = 0;
  private readonly socket: Socket;
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  private chunkBytes = 256 * 1024;
  private welcomed = false;
  private onWelcome: (() => void) | undefined;

  constructor(private readonly opts: SyntheticClientOptions) {
    this.clientId = `${opts.prefix}-${opts.index}`;
    this.socket = io(opts.url, {
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: opts.reconnectDelayMs ?? 100,
      reconnectionDelayMax: 2_000,
    });
    this.socket.on(FEDERA_EVENT, (frame: Uint8Array) => {
      this.queue = this.queue.then(() => this.onFrame(frame)).catch(() => undefined);
    });
    this.socket.on('disconnect', (reason) => {
      this.welcomed = false;
      // A server-side disconnect is not retried by socket.io itself.
      if (reason === 'io server disconnect') setTimeout(() => this.socket.connect(), 100);
    });
  }

  get connected(): boolean {
    return this.welcomed;
  }

  /** Connect; resolves at the first welcome. */
  connect(): Promise<void> {
    const welcomed = new Promise<void>((resolve) => {
      this.onWelcome = resolve;
    });
    this.socket.connect();
    return welcomed;
  }

  close(): void {
    this.socket.disconnect();
  }

  private async onFrame(frame: Uint8Array): Promise<void> {
    const env = await this.reader.push(frame);
    if (!env) return;
    const body = env.body;
    switch (body.kind) {
      case 'challenge':
        return this.send(helloOf(this.clientId, this.opts.runs, this.opts.token), true);
      case 'welcome':
        this.welcomed = true;
        this.chunkBytes = body.welcome.chunkBytes || this.chunkBytes;
        this.reader.limits.maxChunkBytes = Math.max(this.reader.limits.maxChunkBytes, this.chunkBytes);
        this.onWelcome?.();
        this.onWelcome = undefined;
        return;
      case 'task':
        this.tasksReceived++;
        return this.answer(body.task);
      case 'ack':
        this.acked.add(body.ack.ref);
        return;
      case 'error':
        this.errors.push(body.error.code);
        return;
      default:
        return;
    }
  }

  private async answer(task: RoundTask): Promise<void> {
    const delta = syntheticDelta(this.opts.index, task.round, this.opts.specs);
    const update = {
      taskId: task.taskId,
      runId: task.runId,
      round: task.round,
      baseVersion: task.modelVersion,
      numExamples: syntheticExamples(this.opts.index),
      metrics: { synthetic: 1 },
      tensors: tensorsFromWeights(this.opts.specs, delta),
    };
    await this.send({ kind: 'update', update });
  }

  private async send(body: EnvelopeBody, beforeWelcome = false): Promise<void> {
    if (!beforeWelcome && !this.welcomed) return;
    for (const f of await toFrames(envelope(body), this.chunkBytes)) this.socket.emit(FEDERA_EVENT, f);
  }
}

function helloOf(clientId: string, runIds: readonly string[], token = ''): EnvelopeBody {
  return {
    kind: 'hello',
    hello: {
      clientId,
      credentials: { token, publicKey: new Uint8Array(), signature: new Uint8Array(), keyAlgorithm: '' },
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { backend: 'synthetic', maxMessageBytes: 0, secureAggregation: false, features: [] },
      sdkVersion: 'synthetic',
      runIds: [...runIds],
    },
  };
}
