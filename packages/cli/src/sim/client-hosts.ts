import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { HostCommand, HostReply } from './client-host-worker.js';
import type { SimClientSpec } from './sim-client.js';

/**
 * Worker threads that host the simulated clients whole (socket, protocol, TF.js training; one
 * backend each), leaving the coordinator's thread to the coordinator, as in a real federation where
 * every device has its own CPU. Clients go to threads longest first onto the least loaded
 * (Graham 1969's LPT, by examples), so unequal shares do not end a round on one busy thread.
 * Which thread hosts a client does not change what it sends (same backend, same seed).
 */
export class ClientHosts {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<Worker, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly hosted = new Map<Worker, string[]>();

  /** `log` hears of a thread that dies mid-run: its clients drop out, as devices do. */
  constructor(
    size: number,
    private readonly log: (line: string) => void,
  ) {
    sizeTrainingThreadHeaps();
    growSimulationHeaps();
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  /** Start `clients` across the threads; resolves when every one has been welcomed. */
  async start(url: string, runId: string, clients: readonly SimClientSpec[]): Promise<void> {
    const shares = assignLongestFirst(clients, this.workers.length);
    await Promise.all(
      this.workers.map((worker, i) => {
        const share = shares[i]!;
        this.hosted.set(
          worker,
          share.map((c) => c.clientId),
        );
        const buffers = share.flatMap((c) => [c.data.x.buffer, c.data.y.buffer] as ArrayBuffer[]);
        return this.command(worker, { type: 'start', url, runId, clients: share }, buffers);
      }),
    );
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
      const waiting = this.pending.get(worker);
      this.pending.delete(worker);
      if (reply.type === 'error') waiting?.reject(new Error(reply.message));
      else waiting?.resolve();
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
      this.pending.get(worker)?.reject(err);
      this.pending.delete(worker);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
  }

  private command(worker: Worker, command: HostCommand, transfer: ArrayBuffer[] = []): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.set(worker, { resolve, reject });
      worker.postMessage(command, transfer);
    });
  }
}

/**
 * Old-space size a training thread's heap starts at (V8's `--initial-old-space-size`), in MB.
 * A TF.js training thread keeps about 20 MB live, so V8 sizes its old generation near 40 MB, and the
 * objects TF.js makes per op (about 20 MB/s promoted) then cost a full mark-compact every ~0.7 s per
 * thread, after which V8's compiler threads re-optimize TF.js code again (`--trace-opt`: ~80 TurboFan
 * compilations, ~0.8 s of CPU per 2-thread round; ~60 with this start). On 2 cores that CPU came out
 * of the training threads (docs/benchmarks.md). The price: a thread's heap may reach this size
 * before its first full collection.
 */
export const TRAINING_THREAD_OLD_SPACE_MB = 128;

/**
 * Start the heaps of worker threads created from now on at {@link TRAINING_THREAD_OLD_SPACE_MB}
 * (V8 reads the flag as it creates an isolate; running threads keep theirs). Process-wide: threads
 * started later get it too, e.g. the coordinator's SecAgg mask workers, which start at their first
 * unmasking. Not a limit: a heap still grows past it and collects as before.
 */
export function sizeTrainingThreadHeaps(): void {
  setFlagsFromString(`--initial-old-space-size=${TRAINING_THREAD_OLD_SPACE_MB}`);
}

/**
 * How much a heap may grow past what survived its last full collection before the next one starts,
 * in percent (V8's `--heap-growing-percent`; 300 = 4×, V8's own largest factor). Left to itself, V8
 * grows the coordinator's heap by 1.1–1.6× because its thread allocates slowly and each marking runs
 * concurrently, off the thread: 2.4 full collections of its ~36 MB heap per 2NN round (48 in 20
 * rounds, `--trace-gc`), whose marking then ran on the cores the training threads need. With this:
 * 6 in 20 rounds, and about 9 % less process CPU per round at 2 threads (docs/benchmarks.md). The
 * price: the coordinator's heap may reach about 4× its live size before it is collected.
 */
export const SIMULATION_HEAP_GROWING_PERCENT = 300;

/**
 * Grow every heap of this process, the coordinator's included, by
 * {@link SIMULATION_HEAP_GROWING_PERCENT} after each full collection. V8 reads the flag each time
 * it sets a heap's next limit, so running threads get it too. Process-wide: for a process that
 * shares its cores with training threads (`federa sim --workers`), not for a coordinator alone.
 */
export function growSimulationHeaps(): void {
  setFlagsFromString(`--heap-growing-percent=${SIMULATION_HEAP_GROWING_PERCENT}`);
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
