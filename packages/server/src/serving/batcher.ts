import { servingErrors } from './errors.js';

/** Dynamic batching knobs. `maxBatchSize: 1` turns batching off (one request per predict). */
export interface BatchingOptions {
  /** Largest number of rows merged into one predict call. */
  maxBatchSize: number;
  /**
   * Longest a row waits for companions before a partial batch runs. With 0, rows
   * parsed in the same event-loop turn, or arriving while a batch runs, still merge.
   */
  maxQueueDelayMs: number;
  /** Bound on waiting rows; beyond it requests fail fast with FEDERA_ERR_SERVING_OVERLOADED (503 + Retry-After). */
  maxQueueRows: number;
}

/** Runs one merged batch: `rows` rows of input, row-major; resolves rows × outputSize values. */
export type BatchExecutor = (input: Float32Array, rows: number) => Promise<Float32Array>;

interface Pending {
  input: Float32Array;
  rows: number;
  enqueuedAt: number;
  resolve: (out: Float32Array) => void;
  reject: (err: unknown) => void;
}

/**
 * Dynamic batching as in Clipper (Crankshaw et al., NSDI 2017, §4.3) and TF
 * Serving's batcher: requests queue until `maxBatchSize` rows are waiting or
 * the oldest has waited `maxQueueDelayMs`; one batch runs at a time, and rows
 * arriving meanwhile form the next batch. The queue is bounded, so overload
 * turns into fast 503s instead of unbounded latency.
 *
 * @example
 * const batcher = new DynamicBatcher({ maxBatchSize: 32, maxQueueDelayMs: 2, maxQueueRows: 1024 }, exec, 10);
 * const probs = await batcher.submit(pixels, 1);
 */
export class DynamicBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  /** Cancels the pending flush, if one is scheduled. */
  private timer: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly options: BatchingOptions,
    private readonly execute: BatchExecutor,
    private readonly inputSize: number,
    private readonly outputSize: number,
    private readonly observe: { batch?: (rows: number) => void; depth?: (rows: number) => void } = {},
  ) {
    if (!(options.maxBatchSize >= 1 && options.maxQueueRows >= 1 && options.maxQueueDelayMs >= 0)) {
      throw new TypeError('batching: maxBatchSize and maxQueueRows must be >= 1, maxQueueDelayMs >= 0');
    }
  }

  /** Rows waiting (not yet running). */
  get depth(): number {
    return this.queuedRows;
  }

  submit(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.closed)
      return Promise.reject(servingErrors.create('FEDERA_ERR_SERVING_NOT_READY', 'version unloaded'));
    if (rows > this.options.maxQueueRows) {
      return Promise.reject(
        servingErrors.create(
          'FEDERA_ERR_SERVING_TOO_MANY_ROWS',
          `${rows} rows exceed the limit of ${this.options.maxQueueRows}`,
        ),
      );
    }
    if (this.queuedRows + rows > this.options.maxQueueRows) {
      return Promise.reject(
        servingErrors.create('FEDERA_ERR_SERVING_OVERLOADED', undefined, { details: { retryAfterS: 1 } }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, rows, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.observe.depth?.(this.queuedRows);
      this.schedule();
    });
  }

  /** Fail everything still queued (the version is being unloaded). */
  close(): void {
    this.closed = true;
    this.cancelTimer();
    for (const p of this.queue.splice(0))
      p.reject(servingErrors.create('FEDERA_ERR_SERVING_NOT_READY', 'version unloaded'));
    this.queuedRows = 0;
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queuedRows >= this.options.maxBatchSize) {
      this.cancelTimer();
      void this.runBatch();
      return;
    }
    if (this.timer !== undefined) return;
    const fire = () => {
      this.timer = undefined;
      if (!this.running && this.queue.length > 0) void this.runBatch();
    };
    const remaining = this.options.maxQueueDelayMs - (performance.now() - this.queue[0]!.enqueuedAt);
    // Even with no delay, flush on setImmediate: requests parsed in the same event-loop turn join the batch.
    if (remaining <= 0) {
      const handle = setImmediate(fire);
      this.timer = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(fire, remaining);
      this.timer = () => clearTimeout(handle);
    }
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = undefined;
  }

  private async runBatch(): Promise<void> {
    this.running = true;
    const batch: Pending[] = [];
    let rows = 0;
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || rows + this.queue[0]!.rows <= this.options.maxBatchSize)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      rows += next.rows;
    }
    this.queuedRows -= rows;
    this.observe.depth?.(this.queuedRows);
    this.observe.batch?.(rows);
    try {
      const input = batch.length === 1 ? batch[0]!.input : concat(batch, rows * this.inputSize);
      const output = await this.execute(input, rows);
      let offset = 0;
      for (const p of batch) {
        p.resolve(output.subarray(offset, offset + p.rows * this.outputSize));
        offset += p.rows * this.outputSize;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}

function concat(batch: Pending[], total: number): Float32Array {
  const out = new Float32Array(total);
  let offset = 0;
  for (const p of batch) {
    out.set(p.input, offset);
    offset += p.input.length;
  }
  return out;
}
