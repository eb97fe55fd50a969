import type { FastifyInstance } from 'fastify';
import { labelParam, modelParam, type ServingContext } from '../serving/context.js';
import { errorReply } from '../rest/error-handler.js';
import type { TrainingStats } from '../metrics/drift.js';
import type { TrafficPolicy } from './registry-types.js';

const label = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } as const;
const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
const policySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    canary: {
      type: 'object',
      required: ['label', 'percent'],
      additionalProperties: false,
      properties: { label, percent },
    },
    abTest: {
      type: 'object',
      required: ['header', 'variants'],
      additionalProperties: false,
      properties: {
        header: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
        variants: {
          type: 'array',
          minItems: 2,
          maxItems: 16,
          items: {
            type: 'object',
            required: ['label', 'weight'],
            additionalProperties: false,
            properties: { label, weight: { type: 'number', exclusiveMinimum: 0 } },
          },
        },
      },
    },
    shadow: {
      type: 'object',
      required: ['percent'],
      additionalProperties: false,
      properties: { label, version: { type: 'integer', minimum: 0 }, percent },
    },
  },
} as const;

const numbers = { type: 'array', minItems: 1, items: { type: 'number' } } as const;
const statsSchema = {
  type: 'object',
  required: ['version', 'mean', 'variance', 'count'],
  properties: {
    version: { type: 'integer', minimum: 0 },
    mean: numbers,
    variance: numbers,
    count: { type: 'integer', minimum: 1 },
    histograms: {
      type: 'array',
      items: {
        type: 'object',
        required: ['edges', 'counts'],
        properties: { edges: numbers, counts: numbers },
      },
    },
  },
} as const;

type M = { m: string };
type ML = { m: string; l: string };
const params = (withLabel: boolean) =>
  withLabel
    ? { type: 'object', properties: { m: modelParam, l: labelParam }, required: ['m', 'l'] }
    : { type: 'object', properties: { m: modelParam }, required: ['m'] };
const errors = { '4xx': errorReply, '5xx': errorReply };

/**
 * Registry REST: versions, labels (promote, rollback, delete), traffic
 * policies and training statistics for drift. Moves need `researcher`.
 */
export function registryRoutes(
  app: FastifyInstance,
  ctx: ServingContext,
  recordTrainingStats: (runId: string, version: number, stats: TrainingStats) => Promise<void>,
): void {
  const { registry } = ctx;
  const read = (withLabel: boolean) => ({
    preHandler: ctx.guards.read,
    schema: { params: params(withLabel), response: errors },
  });
  const by = (p: { principal?: { tokenId: string } }) => p.principal?.tokenId;

  app.get('/v1/registry/models', { preHandler: ctx.guards.read }, async () => {
    const models = await registry.models();
    return {
      models: await Promise.all(
        models.map(async (name) => {
          const run = await registry.run(name);
          const labels = Object.fromEntries((await registry.labels(name)).map((l) => [l.label, l.version]));
          return { name, latestVersion: run.currentVersion, labels };
        }),
      ),
    };
  });
  app.get<{ Params: M }>('/v1/registry/models/:m', read(false), async (request) => {
    const { m } = request.params;
    return {
      name: m,
      versions: await registry.versions(m),
      labels: await registry.labels(m),
      traffic: await registry.policy(m),
      loaded: ctx.cache.loaded().filter((l) => l.model === m),
    };
  });
  app.get<{ Params: ML }>('/v1/registry/models/:m/labels/:l', read(true), async (request) => {
    const { m, l } = request.params;
    const record = await registry.label(m, l);
    return record ?? { model: m, label: l, version: await registry.resolve(m, l), implicit: true };
  });
  app.put<{ Params: ML; Body: { version: number } }>(
    '/v1/registry/models/:m/labels/:l',
    {
      preHandler: ctx.guards.write,
      schema: {
        params: params(true),
        body: {
          type: 'object',
          required: ['version'],
          properties: { version: { type: 'integer', minimum: 0 } },
        },
        response: errors,
      },
    },
    async (request) =>
      registry.setLabel(request.params.m, request.params.l, request.body.version, 'promote', by(request)),
  );
  app.post<{ Params: ML }>(
    '/v1/registry/models/:m/labels/:l/rollback',
    { preHandler: ctx.guards.write, schema: { params: params(true), response: errors } },
    async (request) => registry.rollback(request.params.m, request.params.l, by(request)),
  );
  app.delete<{ Params: ML }>(
    '/v1/registry/models/:m/labels/:l',
    { preHandler: ctx.guards.write, schema: { params: params(true), response: errors } },
    async (request, reply) => {
      await registry.deleteLabel(request.params.m, request.params.l);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: M }>('/v1/registry/models/:m/traffic', read(false), async (request) =>
    registry.policy(request.params.m),
  );
  app.put<{ Params: M; Body: TrafficPolicy }>(
    '/v1/registry/models/:m/traffic',
    { preHandler: ctx.guards.write, schema: { params: params(false), body: policySchema, response: errors } },
    async (request) => registry.setPolicy(request.params.m, request.body),
  );
  app.post<{ Params: M; Body: { version: number; mean: number[]; variance: number[]; count: number } }>(
    '/v1/registry/models/:m/training-stats',
    { preHandler: ctx.guards.write, schema: { params: params(false), body: statsSchema, response: errors } },
    async (request, reply) => {
      const { version, ...stats } = request.body;
      await registry.version(request.params.m, version);
      await recordTrainingStats(request.params.m, version, stats);
      return reply.code(204).send();
    },
  );
}
