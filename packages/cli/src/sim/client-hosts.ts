import { Worker } from 'node:worker_threads';
import type { HostCommand, HostReply } from './client-host-worker.js';
import type { SimClientSpec } from './sim-client.js';
import { tuneV8ForSimulation } from './simulation-v8.js';

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
    tuneV8ForSimulation();
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
