import type { FastifyInstance } from 'fastify';
import type { BatchJobs } from './batch-jobs.js';
import { type ServingContext } from './context.js';
/**
 * Batch deployment REST: submit NDJSON or CSV rows, poll progress, download
 * predictions as NDJSON (one output row per input row, same order).
 */
export declare function jobRoutes(app: FastifyInstance, ctx: ServingContext, jobs: BatchJobs): void;
