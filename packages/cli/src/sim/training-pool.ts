import { Worker } from 'node:worker_threads';
import type { Trainer, TrainingJob, TrainingResult } from '@federa/client';

type Reply = { id: number; result: TrainingResult } | { id: number; error: string };

/**
 * Worker threads that train simulated clients, one job per worker at a time (TF.js is single-threaded
 * per backend; a worker is one more core). `trainer` hands each job to the next free worker.
 */
export class TrainingPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: TrainingResult) => void; reject: (e: Error) => void }
  >();
  private readonly workers: Worker[];
  private nextId = 0;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./train-worker.js', import.meta.url));
      worker.on('message', (reply: Reply) => this.settle(worker, reply));
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      return worker;
    });
    this.idle.push(...this.workers);
  }

  /** A {@link Trainer} that runs `trainLocally` on the pool. */
  readonly trainer: Trainer = async (job: TrainingJob) => {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    const id = this.nextId++;
    return new Promise<TrainingResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  };

  private settle(worker: Worker, reply: Reply): void {
    const p = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
    if (!p) return;
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(reply.result);
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
