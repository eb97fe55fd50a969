import { isFederaError } from '@federa/core';
import { servingErrors } from './errors.js';
import { tensorFromJson } from './tensor-input.js';
/** Batch work yields to online traffic: an overloaded queue means wait and retry, not fail. */
async function predictWithBackoff(predict) {
    for (let delay = 5;; delay = Math.min(delay * 2, 500)) {
        try {
            return await predict();
        }
        catch (err) {
            if (!isFederaError(err) || err.code !== 'FEDERA_ERR_SERVING_OVERLOADED')
                throw err;
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
}
const chunkKey = (id, i) => `${id}!${String(i).padStart(8, '0')}`;
/** Parse NDJSON (one JSON array per line, or `{"instance": …}`) or CSV (numbers only) rows. */
export function parseRows(text, format, sig) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0)
        throw servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', 'no rows');
    return lines.map((line, i) => {
        let value;
        try {
            value =
                format === 'csv'
                    ? line.split(',').map((c) => (c.trim() === '' ? Number.NaN : Number(c)))
                    : JSON.parse(line);
        }
        catch {
            throw servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', `line ${i + 1} is not JSON`);
        }
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
            value = value.instance;
        try {
            return Array.from(tensorFromJson(value, sig.inputShape, `line ${i + 1}`));
        }
        catch (err) {
            const detail = isFederaError(err) ? err.message : String(err);
            throw servingErrors.create('FEDERA_ERR_SERVING_JOB_INPUT', detail);
        }
    });
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
    cache;
    options;
    jobs;
    inputs;
    outputs;
    queue = [];
    draining;
    stopped = false;
    constructor(db, cache, options) {
        this.cache = cache;
        this.options = options;
        const sub = (name) => db.sublevel(name, { valueEncoding: 'json' });
        this.jobs = sub('serving-jobs');
        this.inputs = sub('serving-job-inputs');
        this.outputs = sub('serving-job-outputs');
    }
    /** Re-queue jobs a previous process left queued or running. */
    async resume() {
        const open = (await this.jobs.values().all()).filter((j) => j.status === 'queued' || j.status === 'running');
        open.sort((a, b) => a.createdAt - b.createdAt);
        for (const job of open)
            this.enqueue(job.id);
        return open.length;
    }
    async submit(model, version, rows) {
        const now = Date.now();
        const chunkRows = this.options.chunkRows;
        const job = {
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
    async get(id) {
        const job = await this.jobs.get(id);
        if (!job)
            throw servingErrors.create('FEDERA_ERR_SERVING_JOB_NOT_FOUND', id);
        return job;
    }
    /** NDJSON lines of a finished job's predictions, in input order. */
    async *predictions(id) {
        const job = await this.get(id);
        if (job.status !== 'succeeded')
            throw servingErrors.create('FEDERA_ERR_SERVING_JOB_NOT_DONE', `${id} is ${job.status}`);
        for (let c = 0; c < job.chunks; c++) {
            const rows = (await this.outputs.get(chunkKey(id, c))) ?? [];
            yield rows.map((r) => `${JSON.stringify(r)}\n`).join('');
        }
    }
    /** Resolves when the queue is empty (tests, shutdown). */
    async settled() {
        while (this.draining)
            await this.draining;
    }
    async stop() {
        this.stopped = true;
        await this.settled();
    }
    enqueue(id) {
        this.queue.push(id);
        if (!this.options.process || this.draining)
            return;
        this.draining = this.drain().finally(() => {
            this.draining = undefined;
        });
    }
    async drain() {
        while (!this.stopped && this.queue.length > 0)
            await this.runJob(this.queue.shift());
    }
    async runJob(id) {
        let job = await this.get(id);
        try {
            job = await this.save({ ...job, status: 'running' });
            for (let c = Math.floor(job.processed / job.chunkRows); c < job.chunks && !this.stopped; c++) {
                const rows = (await this.inputs.get(chunkKey(id, c))) ?? [];
                const output = await this.cache.use(job.model, job.version, async (m) => {
                    const input = new Float32Array(rows.length * m.signature.inputSize);
                    for (const [i, r] of rows.entries())
                        input.set(r, i * m.signature.inputSize);
                    const out = await predictWithBackoff(() => m.predict(input, rows.length));
                    const size = m.signature.outputSize;
                    return rows.map((_, i) => Array.from(out.subarray(i * size, (i + 1) * size)));
                });
                await this.outputs.put(chunkKey(id, c), output);
                job = await this.save({ ...job, processed: job.processed + rows.length });
            }
            if (job.processed >= job.total)
                await this.save({ ...job, status: 'succeeded' });
        }
        catch (err) {
            const e = isFederaError(err) ? err : servingErrors.create('FEDERA_ERR_SERVING_INTERNAL', String(err));
            await this.save({ ...job, status: 'failed', error: { code: e.code, message: e.message } });
        }
    }
    async save(job) {
        const next = { ...job, updatedAt: Date.now() };
        await this.jobs.put(job.id, next);
        return next;
    }
}
//# sourceMappingURL=batch-jobs.js.map