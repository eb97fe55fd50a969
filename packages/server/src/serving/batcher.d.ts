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
export declare class DynamicBatcher {
    private readonly options;
    private readonly execute;
    private readonly inputSize;
    private readonly outputSize;
    private readonly observe;
    private queue;
    private queuedRows;
    private running;
    /** Cancels the pending flush, if one is scheduled. */
    private timer;
    private closed;
    constructor(options: BatchingOptions, execute: BatchExecutor, inputSize: number, outputSize: number, observe?: {
        batch?: (rows: number) => void;
        depth?: (rows: number) => void;
    });
    /** Rows waiting (not yet running). */
    get depth(): number;
    submit(input: Float32Array, rows: number): Promise<Float32Array>;
    /** Fail everything still queued (the version is being unloaded). */
    close(): void;
    private schedule;
    private cancelTimer;
    private runBatch;
}
