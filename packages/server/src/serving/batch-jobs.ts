import { type TabularEncoder, isFederaError } from '@federa/core';
import type { Level } from 'level';
import { servingErrors } from './errors.js';
import type { ModelCache } from './model-cache.js';
import type { ModelSignature } from './signature.js';
import { encodeCsv, encodeRawRows, isRawRow, transformFor } from './raw-rows.js';
import { type InputBatch, tensorFromJson } from './tensor-input.js';

/** A batch-prediction job as persisted. */
export interface JobRecord {
  id: string;
  model: string;
  /** Pinned at submission, so every row is answered by the same version. */
  version: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  chunks: number;
  chunkRows: number;
  createdAt: number;
  updatedAt: number;
  error?: { code: string; message: string };
}

interface Sub<V> {
  get(key: string): Promise<V | undefined>;
  put(key: string, value: V): Promise<void>;
  values(range?: { gt: string; lt: string }): { all(): Promise<V[]> };
}

/** Batch work yields to online traffic: an overloaded queue means wait and retry, not fail. */
async function predictWithBackoff(predict: () => Promise<Float32Array>): Promise<Float32Array> {
  for (let delay = 5; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await predict();
    } catch (err) {
      if (!isFederaError(err) || err.code !== 'FEDERA_ERR_SERVING_OVERLOADED') throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const chunkKey = (id: string, i: number) => `${id}!${String(i).padStart(8, '0')}`;

/**
 * Parse NDJSON (one JSON array per line, or `{"instance": …}`) or CSV (numbers only) rows; for a
 * model with a tabular transform also raw rows: NDJSON objects by column name, or CSV with a header
 * row, encoded with the transform the run trained with.
 */
export function parseRows(
  text: string,
  format: 'ndjson' | 'csv',
  sig: ModelSignature,
  encoder?: TabularEncoder,
): number[][] {
  const jobInput = (err: unknown) =>
    servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', isFederaError(err) ? err.message : String(err));
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', 'no rows');
  const header = format === 'csv' && encoder && lines[0]!.split(',').some((c) => !Number.isFinite(Number(c)));
  if (header)
    return rowsOf(
      guarded(() => encodeCsv(text, transformFor(encoder, sig)), jobInput),
      encoder.width,
    );
  const values = lines.map((line, i) => {
    try {
      return format === 'csv'
        ? line.split(',').map((c) => (c.trim() === '' ? Number.NaN : Number(c)))
        : (JSON.parse(line) as unknown);
    } catch {
      throw servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', `line ${i + 1} is not JSON`);
    }
  });
  if (encoder && values.every((v) => isRawRow(v, sig) && !Object.hasOwn(v, 'instance'))) {
    return rowsOf(
      guarded(() => encodeRawRows(values, transformFor(encoder, sig), 'line'), jobInput),
      encoder.width,
    );
  }
  return values.map((v, i) => {
    const value =
      typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { instance?: unknown }).instance : v;
    return Array.from(guarded(() => tensorFromJson(value, sig.inputShape, `line ${i + 1}`), jobInput));
  });
}

function guarded<T>(parse: () => T, wrap: (err: unknown) => Error): T {
  try {
    return parse();
  } catch (err) {
    throw wrap(err);
  }
}

function rowsOf(batch: InputBatch, width: number): number[][] {
  return Array.from({ length: batch.rows }, (_, r) =>
    Array.from(batch.data.subarray(r * width, (r + 1) * width)),
  );
}

/**
 * Batch deployment: jobs, their input chunks and their predictions live in
 * sublevels of the store; one job runs at a time, chunk by chunk, progress
 * persisted after each chunk, so a restart resumes where it stopped.
 *
 * @example
 * const job = await jobs.submit('mnist', 3, rows);
 * await jobs.settled();
 * for await (const line of jobs.predictions(job.id)) process.stdout.write(line);
 */
export class BatchJobs {
  private readonly jobs: Sub<JobRecord>;
  private readonly inputs: Sub<number[][]>;
  private readonly outputs: Sub<number[][]>;
  private readonly queue: string[] = [];
  private draining: Promise<void> | undefined;
  private stopped = false;

  constructor(
    db: Level<string, unknown>,
    private readonly cache: ModelCache,
    private readonly options: { chunkRows: number; process: boolean },
  ) {
    const sub = <V>(name: string) => db.sublevel(name, { valueEncoding: 'json' }) as unknown as Sub<V>;
    this.jobs = sub('serving-jobs');
    this.inputs = sub('serving-job-inputs');
    this.outputs = sub('serving-job-outputs');
  }

  /** Re-queue jobs a previous process left queued or running. */
  async resume(): Promise<number> {
    const open = (await this.jobs.values().all()).filter(
      (j) => j.status === 'queued' || j.status === 'running',
    );
    open.sort((a, b) => a.createdAt - b.createdAt);
    for (const job of open) this.enqueue(job.id);
    return open.length;
  }

  async submit(model: string, version: number, rows: number[][]): Promise<JobRecord> {
    const now = Date.now();
    const chunkRows = this.options.chunkRows;
    const job: JobRecord = {
      id: globalThis.crypto.randomUUID(),
      model,
      version,
      status: 'queued',
      total: rows.length,
      processed: 0,
      chunks: Math.ceil(rows.length / chunkRows),
      chunkRows,
      createdAt: now,
      updatedAt: now,
    };
    for (let c = 0; c < job.chunks; c++)
      await this.inputs.put(chunkKey(job.id, c), rows.slice(c * chunkRows, (c + 1) * chunkRows));
    await this.jobs.put(job.id, job);
    this.enqueue(job.id);
    return job;
  }

  async get(id: string): Promise<JobRecord> {
    const job = await this.jobs.get(id);
    if (!job) throw servingErrors.create('FEDERA_ERR_SERVING_JOB_NOT_FOUND', id);
    return job;
  }

  /** NDJSON lines of a finished job's predictions, in input order. */
  async *predictions(id: string): AsyncGenerator<string> {
    const job = await this.get(id);
    if (job.status !== 'succeeded')
      throw servingErrors.create('FEDERA_ERR_SERVING_JOB_NOT_DONE', `${id} is ${job.status}`);
    for (let c = 0; c < job.chunks; c++) {
      const rows = (await this.outputs.get(chunkKey(id, c))) ?? [];
      yield rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    }
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    if (!this.options.process || this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) await this.runJob(this.queue.shift()!);
  }

  private async runJob(id: string): Promise<void> {
    let job = await this.get(id);
    try {
      job = await this.save({ ...job, status: 'running' });
      for (let c = Math.floor(job.processed / job.chunkRows); c < job.chunks && !this.stopped; c++) {
        const rows = (await this.inputs.get(chunkKey(id, c))) ?? [];
        const output = await this.cache.use(job.model, job.version, async (m) => {
          const input = new Float32Array(rows.length * m.signature.inputSize);
          for (const [i, r] of rows.entries()) input.set(r, i * m.signature.inputSize);
          const out = await predictWithBackoff(() => m.predict(input, rows.length));
          const size = m.signature.outputSize;
          return rows.map((_, i) => Array.from(out.subarray(i * size, (i + 1) * size)));
        });
        await this.outputs.put(chunkKey(id, c), output);
        job = await this.save({ ...job, processed: job.processed + rows.length });
      }
      if (job.processed >= job.total) await this.save({ ...job, status: 'succeeded' });
    } catch (err) {
      const e = isFederaError(err) ? err : servingErrors.create('FEDERA_ERR_SERVING_INTERNAL', String(err));
      await this.save({ ...job, status: 'failed', error: { code: e.code, message: e.message } });
    }
  }

  private async save(job: JobRecord): Promise<JobRecord> {
    const next = { ...job, updatedAt: Date.now() };
    await this.jobs.put(job.id, next);
    return next;
  }
}
