import { SecAggTaskSession, isSecAggBody } from '@federa/client';
import type { Weights } from '@federa/core';
import {
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  PROTOCOL_VERSION,
  type RoundTask,
  type WireError,
  envelope,
  toFrames,
} from '@federa/protocol';
import { type Socket, io } from 'socket.io-client';

/** Rewrites (or duplicates) what a rogue participant sends; return the bodies to put on the wire. */
export type Tamper = (body: EnvelopeBody) => EnvelopeBody[];

/**
 * A participant speaking the wire protocol directly over socket.io, with the
 * real SecAgg+ session code but a `tamper` hook on everything it sends, and a
 * record of every typed Error the coordinator answers with.
 */
export class RawParticipant {
  readonly errors: WireError[] = [];
  session: SecAggTaskSession | undefined;
  private readonly reader = new FrameReader();
  private socket: Socket | undefined;
  private queue: Promise<void> = Promise.resolve();
  private welcomed!: () => void;
  private runIds: string[] = [];

  constructor(
    readonly clientId: string,
    private readonly contribution: { delta: Weights; numExamples: number },
    private readonly tamper: Tamper = (b) => [b],
  ) {}

  /** Connect and say hello, joining `runIds`. */
  async connect(url: string, runIds: string[] = []): Promise<void> {
    this.runIds = runIds;
    const welcomed = new Promise<void>((resolve) => {
      this.welcomed = resolve;
    });
    this.socket = io(url, { transports: ['websocket'], reconnection: false });
    this.socket.on(FEDERA_EVENT, (frame: Uint8Array) => {
      this.queue = this.queue.then(() => this.onFrame(frame));
    });
    await welcomed;
  }

  /** Put bodies on the wire exactly as given (no tampering hook). */
  async sendRaw(body: EnvelopeBody): Promise<void> {
    for (const frame of await toFrames(envelope(body), 256 * 1024)) this.socket!.emit(FEDERA_EVENT, frame);
  }

  close(): void {
    this.socket?.disconnect();
  }

  private async onFrame(frame: Uint8Array): Promise<void> {
    const env = await this.reader.push(frame);
    if (!env) return;
    const body = env.body;
    if (body.kind === 'challenge') {
      await this.sendRaw({
        kind: 'hello',
        hello: {
          clientId: this.clientId,
          credentials: {
            token: '',
            publicKey: new Uint8Array(),
            signature: new Uint8Array(),
            keyAlgorithm: '',
          },
          protocolVersion: PROTOCOL_VERSION,
          capabilities: { backend: 'raw', maxMessageBytes: 0, secureAggregation: true, features: [] },
          sdkVersion: 'raw',
          runIds: this.runIds,
        },
      });
    } else if (body.kind === 'welcome') this.welcomed();
    else if (body.kind === 'error') this.errors.push(body.error);
    else if (body.kind === 'task' && body.task.secagg)
      await this.onTask({ ...body.task, secagg: body.task.secagg });
    else if (isSecAggBody(body)) await this.session?.receive(body);
  }

  private async onTask(task: RoundTask & { secagg: NonNullable<RoundTask['secagg']> }): Promise<void> {
    this.session = new SecAggTaskSession(task, this.clientId, {
      send: async (b) => {
        for (const out of this.tamper(b)) await this.sendRaw(out);
      },
      onStage: () => undefined,
    });
    await this.session.start();
    await this.session.trained(this.contribution.delta, this.contribution.numExamples);
  }
}
