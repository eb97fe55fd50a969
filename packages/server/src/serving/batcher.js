import { servingErrors } from './errors.js';
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
    options;
    execute;
    inputSize;
    outputSize;
    observe;
    queue = [];
    queuedRows = 0;
    running = false;
    /** Cancels the pending flush, if one is scheduled. */
    timer;
    closed = false;
    constructor(options, execute, inputSize, outputSize, observe = {}) {
        this.options = options;
        this.execute = execute;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.observe = observe;
        if (!(options.maxBatchSize >= 1 && options.maxQueueRows >= 1 && options.maxQueueDelayMs >= 0)) {
            throw new TypeError('batching: maxBatchSize and maxQueueRows must be >= 1, maxQueueDelayMs >= 0');
        }
    }
    /** Rows waiting (not yet running). */
    get depth() {
        return this.queuedRows;
    }
    submit(input, rows) {
        if (this.closed)
            return Promise.reject(servingErrors.create('FEDERA_ERR_SERVING_NOT_READY', 'version unloaded'));
        if (rows > this.options.maxQueueRows) {
            return Promise.reject(servingErrors.create('FEDERA_ERR_SERVING_BAD_SHAPE', `${rows} rows exceed the limit of ${this.options.maxQueueRows}`));
        }
        if (this.queuedRows + rows > this.options.maxQueueRows) {
            return Promise.reject(servingErrors.create('FEDERA_ERR_SERVING_OVERLOADED', undefined, { details: { retryAfterS: 1 } }));
        }
        return new Promise((resolve, reject) => {
            this.queue.push({ input, rows, enqueuedAt: performance.now(), resolve, reject });
            this.queuedRows += rows;
            this.observe.depth?.(this.queuedRows);
            this.schedule();
        });
    }
    /** Fail everything still queued (the version is being unloaded). */
    close() {
        this.closed = true;
        this.cancelTimer();
        for (const p of this.queue.splice(0))
            p.reject(servingErrors.create('FEDERA_ERR_SERVING_NOT_READY', 'version unloaded'));
        this.queuedRows = 0;
    }
    schedule() {
        if (this.running || this.queue.length === 0)
            return;
        if (this.queuedRows >= this.options.maxBatchSize) {
            this.cancelTimer();
            void this.runBatch();
            return;
        }
        if (this.timer !== undefined)
            return;
        const fire = () => {
            this.timer = undefined;
            if (!this.running && this.queue.length > 0)
                void this.runBatch();
        };
        const remaining = this.options.maxQueueDelayMs - (performance.now() - this.queue[0].enqueuedAt);
        // Even with no delay, flush on setImmediate: requests parsed in the same event-loop turn join the batch.
        if (remaining <= 0) {
            const handle = setImmediate(fire);
            this.timer = () => clearImmediate(handle);
        }
        else {
            const handle = setTimeout(fire, remaining);
            this.timer = () => clearTimeout(handle);
        }
    }
    cancelTimer() {
        this.timer?.();
        this.timer = undefined;
    }
    async runBatch() {
        this.running = true;
        const batch = [];
        let rows = 0;
        while (this.queue.length > 0 &&
            (batch.length === 0 || rows + this.queue[0].rows <= this.options.maxBatchSize)) {
            const next = this.queue.shift();
            batch.push(next);
            rows += next.rows;
        }
        this.queuedRows -= rows;
        this.observe.depth?.(this.queuedRows);
        this.observe.batch?.(rows);
        try {
            const input = batch.length === 1 ? batch[0].input : concat(batch, rows * this.inputSize);
            const output = await this.execute(input, rows);
            let offset = 0;
            for (const p of batch) {
                p.resolve(output.subarray(offset, offset + p.rows * this.outputSize));
                offset += p.rows * this.outputSize;
            }
        }
        catch (err) {
            for (const p of batch)
                p.reject(err);
        }
        finally {
            this.running = false;
            this.schedule();
        }
    }
}
function concat(batch, total) {
    const out = new Float32Array(total);
    let offset = 0;
    for (const p of batch) {
        out.set(p.input, offset);
        offset += p.input.length;
    }
    return out;
}
//# sourceMappingURL=batcher.js.map