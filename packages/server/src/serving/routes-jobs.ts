import type { FastifyInstance } from 'fastify';
import type { BatchJobs } from './batch-jobs.js';
import { parseRows } from './batch-jobs.js';
import { type ServingContext, labelParam, modelParam } from './context.js';
import { servingErrors } from './errors.js';
import { errorReply } from '../rest/error-handler.js';

/** Content type -> batch format; a Map, since the key is the caller's header. */
const FORMATS = new Map<string, 'ndjson' | 'csv'>([
  ['application/x-ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
  ['text/csv', 'csv'],
]);

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'integer' },
    status: { type: 'string' },
    total: { type: 'integer' },
    processed: { type: 'integer' },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;
const errors = { '4xx': errorReply, '5xx': errorReply };

/**
 * Batch deployment REST: submit NDJSON or CSV rows, poll progress, download
 * predictions as NDJSON (one output row per input row, same order).
 */
export function jobRoutes(app: FastifyInstance, ctx: ServingContext, jobs: BatchJobs): void {
  app.addContentTypeParser(
    [...FORMATS.keys()],
    { parseAs: 'string', bodyLimit: ctx.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );
  app.post<{ Params: { m: string }; Querystring: { version?: number; label?: string }; Body: string }>(
    '/v1/models/:m/jobs',
    {
      preHandler: ctx.guards.infer,
      bodyLimit: ctx.maxBodyBytes,
      schema: {
        params: { type: 'object', properties: { m: modelParam }, required: ['m'] },
        querystring: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 0 }, label: labelParam },
        },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { m } = request.params;
      const mime = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = FORMATS.get(mime);
      if (!format || typeof request.body !== 'string') {
        throw servingErrors.create(
          'FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA',
          'send application/x-ndjson or text/csv',
        );
      }
      const { version, label } = request.query;
      const pinned = version ?? (await ctx.registry.resolve(m, label ?? 'stable'));
      await ctx.registry.version(m, pinned);
      const signature = await ctx.cache.use(m, pinned, async (loaded) => loaded.signature);
      const encoder = await ctx.transforms.encoder(m);
      const job = await jobs.submit(m, pinned, parseRows(request.body, format, signature, encoder));
      return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(job);
    },
  );
  const idParams = {
    type: 'object',
    properties: { id: { type: 'string', format: 'uuid' } },
    required: ['id'],
  } as const;
  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { preHandler: ctx.guards.infer, schema: { params: idParams, response: { 200: jobSchema, ...errors } } },
    async (request) => jobs.get(request.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/predictions',
    { preHandler: ctx.guards.infer, schema: { params: idParams, response: errors } },
    async (request, reply) => {
      const lines: string[] = [];
      for await (const chunk of jobs.predictions(request.params.id)) lines.push(chunk);
      return reply.type('application/x-ndjson').send(lines.join(''));
    },
  );
}
