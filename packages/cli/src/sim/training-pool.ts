import { Worker } from 'node:worker_threads';
import type { Trainer, TrainingJob, TrainingResult } from '@federa/client';

type Reply = { id: number; result: TrainingResult } | { id: number; error: string };

interface QueuedJob {
  id: number;
  job: TrainingJob;
  resolve: (r: TrainingResult) => void;
  reject: (e: Error) => void;
}

/** Work in a job, in sample passes: what the longest-first order sorts by. */
const jobSize = (job: TrainingJob): number => job.data.n * job.epochs;

/**
 * Worker threads that train simulated clients, one job per worker at a time (TF.js is single-threaded
 * per backend; a worker is one more core). A free worker takes the largest waiting job: longest
 * processing time first (Graham 1969) keeps a round of unequal clients from ending on one worker.
 * Which worker trains a job does not change its result (same backend, same seed).
 */
export class TrainingPool {
  private readonly idle: Worker[] = [];
  private readonly queue: QueuedJob[] = [];
  private readonly running = new Map<Worker, QueuedJob>();
  private readonly workers = new Set<Worker>();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  /** A {@link Trainer} that runs `trainLocally` on the pool. */
  readonly trainer: Trainer = (job: TrainingJob) =>
    new Promise<TrainingResult>((resolve, reject) => {
      if (this.closed) return reject(new Error('the training pool is closed'));
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      // Dispatch on the next turn, so jobs queued in the same turn go out largest first.
      setImmediate(() => this.dispatch());
    });

  private spawn(): Worker {
    const worker = new Worker(new URL('./train-worker.js', import.meta.url));
    this.workers.add(worker);
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    // A worker that dies (out of memory, a crash in the backend) fails its job only; a fresh one replaces it.
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`training worker exited with code ${code}`)));
    return worker;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      let largest = 0;
      for (let i = 1; i < this.queue.length; i++) {
        if (jobSize(this.queue[i]!.job) > jobSize(this.queue[largest]!.job)) largest = i;
      }
      const next = this.queue.splice(largest, 1)[0]!;
      const worker = this.idle.pop()!;
      this.running.set(worker, next);
      worker.postMessage({ id: next.id, job: next.job });
    }
  }

  private settle(worker: Worker, reply: Reply): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    this.dispatch();
    if (!job || job.id !== reply.id) return;
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.result);
  }

  private lost(worker: Worker, err: Error): void {
    if (!this.workers.delete(worker)) return;
    this.running.get(worker)?.reject(err);
    this.running.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closed) return;
    this.idle.push(this.spawn());
    this.dispatch();
  }

  /** Stop every worker; jobs not finished fail. */
  async close(): Promise<void> {
    this.closed = true;
    const unfinished = [...this.queue.splice(0), ...this.running.values()];
    this.running.clear();
    for (const job of unfinished) job.reject(new Error('the training pool is closed'));
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
