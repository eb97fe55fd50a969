import { Worker } from 'node:worker_threads';
import type { TensorSpec, Weights } from '@federa/core';
import type { LocalDataset, RowScores } from '@federa/client';
import type { HostCommand, HostReply } from './client-host-worker.js';
import type { HeldOutScoring, LocalRowScoring } from './evaluator.js';
import type { SimClientSpec } from './sim-client.js';
import { tuneV8ForSimulation } from './simulation-v8.js';

/** A command without its id, which `ClientHosts` adds (distributed over the union). */
type WithoutId<C> = C extends unknown ? Omit<C, 'id'> : never;
type Command = WithoutId<HostCommand>;

/**
 * Worker threads that host the simulated clients whole (socket, protocol, TF.js training; one
 * backend each), leaving the coordinator's thread to the coordinator, as in a real federation where
 * every device has its own CPU. Clients go to threads longest first onto the least loaded
 * (Graham 1969's LPT, by examples), so unequal shares do not end a round on one busy thread.
 * Which thread hosts a client does not change what it sends (same backend, same seed).
 * The threads also score the held-out test set between rounds ({@link HeldOutScoring}), each its
 * own contiguous part of one shared copy.
 */
export class ClientHosts implements HeldOutScoring {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (reply: HostReply) => void; reject: (e: Error) => void }
  >();
  private readonly hosted = new Map<Worker, string[]>();
  private nextId = 0;
  private hasTestSet = false;

  /** `log` hears of a thread that dies mid-run: its clients drop out, as devices do. */
  constructor(
    size: number,
    private readonly log: (line: string) => void,
  ) {
    tuneV8ForSimulation();
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  /**
   * Start `clients` across the threads; resolves when every one has been welcomed. With `test`,
   * every thread also gets one shared copy of that test set to score (see {@link scoreHeldOut}).
   */
  async start(
    url: string,
    runId: string,
    clients: readonly SimClientSpec[],
    test?: LocalDataset,
  ): Promise<void> {
    const shares = assignLongestFirst(clients, this.workers.length);
    const shared = test && sharedCopy(test);
    this.hasTestSet = shared !== undefined;
    await Promise.all(
      this.workers.map((worker, i) => {
        const share = shares[i]!;
        this.hosted.set(
          worker,
          share.map((c) => c.clientId),
        );
        const buffers = share.flatMap((c) => [c.data.x.buffer, c.data.y.buffer] as ArrayBuffer[]);
        return this.command(worker, { type: 'start', url, runId, clients: share, test: shared }, buffers);
      }),
    );
  }

  /**
   * Scores of the test set given to {@link start}, rows 0..n in order: the live threads score equal
   * contiguous parts at once. A part whose thread is gone (or any, before `start` or after `close`)
   * is scored by `local`, one after another.
   */
  async scoreHeldOut(
    topologyJson: string,
    specs: readonly TensorSpec[],
    weights: Weights,
    n: number,
    local: LocalRowScoring,
  ): Promise<RowScores[]> {
    const threads = this.hasTestSet ? [...this.workers] : [];
    if (threads.length === 0) return [await local(0, n)];
    const parts = splitRows(n, threads.length);
    const scored = await Promise.all(
      threads.map((worker, i) =>
        this.command(worker, { type: 'score', topologyJson, specs, weights, ...parts[i]! }).then(
          (reply) => (reply.type === 'scored' ? reply.scores : undefined),
          () => undefined,
        ),
      ),
    );
    const all: RowScores[] = [];
    for (const [i, scores] of scored.entries())
      all.push(scores ?? (await local(parts[i]!.start, parts[i]!.end)));
    return all;
  }

  /** Stop every client, then every thread. */
  async close(): Promise<void> {
    const alive = [...this.workers];
    await Promise.allSettled(alive.map((w) => this.command(w, { type: 'stop' })));
    this.workers.length = 0;
    await Promise.all(alive.map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./client-host-worker.js', import.meta.url));
    worker.on('message', (reply: HostReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiting?.reject(new Error(reply.message));
      else waiting?.resolve(reply);
    });
    const lost = (err: Error) => {
      const at = this.workers.indexOf(worker);
      if (at < 0) return;
      this.workers.splice(at, 1);
      // Named, since the coordinator logs their disconnects as it would a device's, which comes back.
      const clients = this.hosted.get(worker)?.join(', ') || 'no clients';
      this.log(
        `client host thread ${at} ended (${err.message}): ${clients} dropped out for the rest of the run`,
      );
      for (const [id, waiting] of this.pending) {
        if (waiting.worker !== worker) continue;
        this.pending.delete(id);
        waiting.reject(err);
      }
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
  }

  private command(worker: Worker, command: Command, transfer: ArrayBuffer[] = []): Promise<HostReply> {
    const id = this.nextId++;
    return new Promise<HostReply>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ ...command, id }, transfer);
    });
  }
}

/** `n` rows cut into `parts` contiguous ranges, in order, of sizes differing by at most one. */
export function splitRows(n: number, parts: number): { start: number; end: number }[] {
  return Array.from({ length: parts }, (_, i) => ({
    start: Math.floor((i * n) / parts),
    end: Math.floor(((i + 1) * n) / parts),
  }));
}

/**
 * `data` in SharedArrayBuffers, so every thread reads one copy (the full MNIST's test set is 31 MB);
 * data already shared is returned as it is.
 */
export function sharedCopy(data: LocalDataset): LocalDataset {
  if (data.x.buffer instanceof SharedArrayBuffer && data.y.buffer instanceof SharedArrayBuffer) return data;
  const x = new Float32Array(new SharedArrayBuffer(data.x.byteLength));
  x.set(data.x);
  const y = new Int32Array(new SharedArrayBuffer(4 * data.y.length));
  y.set(data.y);
  return { ...data, x, y };
}

/** Client shares per thread: each client, largest first, to the thread with the fewest examples. */
export function assignLongestFirst(clients: readonly SimClientSpec[], threads: number): SimClientSpec[][] {
  const shares: SimClientSpec[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  const bySize = [...clients].sort((a, b) => b.data.n - a.data.n);
  for (const client of bySize) {
    const least = load.indexOf(Math.min(...load));
    shares[least]!.push(client);
    load[least]! += client.data.n;
  }
  return shares;
}
