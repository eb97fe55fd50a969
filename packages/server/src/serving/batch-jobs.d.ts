import type { Level } from 'level';
import type { ModelCache } from './model-cache.js';
import type { ModelSignature } from './signature.js';
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
    error?: {
        code: string;
        message: string;
    };
}
/** Parse NDJSON (one JSON array per line, or `{"instance": …}`) or CSV (numbers only) rows. */
export declare function parseRows(text: string, format: 'ndjson' | 'csv', sig: ModelSignature): number[][];
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
export declare class BatchJobs {
    private readonly cache;
    private readonly options;
    private readonly jobs;
    private readonly inputs;
    private readonly outputs;
    private readonly queue;
    private draining;
    private stopped;
    constructor(db: Level<string, unknown>, cache: ModelCache, options: {
        chunkRows: number;
        process: boolean;
    });
    /** Re-queue jobs a previous process left queued or running. */
    resume(): Promise<number>;
    submit(model: string, version: number, rows: number[][]): Promise<JobRecord>;
    get(id: string): Promise<JobRecord>;
    /** NDJSON lines of a finished job's predictions, in input order. */
    predictions(id: string): AsyncGenerator<string>;
    /** Resolves when the queue is empty (tests, shutdown). */
    settled(): Promise<void>;
    stop(): Promise<void>;
    private enqueue;
    private drain;
    private runJob;
    private save;
}
