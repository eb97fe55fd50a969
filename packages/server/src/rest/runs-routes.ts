import {
  type StrategyConfig,
  isFederaError,
  strategyConfigSchema,
  strategyNames,
  validateRunStrategy,
} from '@federa/core';
import '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { roleGuard } from '../auth/index.js';
import type { Coordinator } from '../coordinator.js';
import { evaluationSettingsSchema } from '../evaluation/index.js';
import { RUN_DEFAULTS } from '../runs/run-settings.js';
import type { RunRecord, TabularModelSpec } from '../runs/run-types.js';
import { metricsCsv, runMetricsTable } from '../runs/metrics-export.js';
import { errorReply } from './error-handler.js';
import { streamBytes } from '../store/encoded-versions.js';

const runId = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: runId } } as const;
/** `settings.secureAggregation` (SecAgg+); every field optional, derived from the sample size when absent. */
const secureAggregationSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    neighbours: { type: 'integer', minimum: 2 },
    threshold: { type: 'integer', minimum: 2 },
    clipRange: { type: 'number', exclusiveMinimum: 0 },
    quantizationBits: { type: 'integer', minimum: 1, maximum: 30 },
    modulusBits: { type: 'integer', minimum: 8, maximum: 32 },
    maxWeight: { type: 'integer', minimum: 1 },
    dropoutRate: { type: 'number', minimum: 0, exclusiveMaximum: 0.5 },
    failureProbability: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    metrics: {
      type: 'array',
      maxItems: 16,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 64 },
    },
    metricRange: { type: 'number', exclusiveMinimum: 0 },
    threat: { type: 'string', enum: ['honest-but-curious', 'malicious-server'] },
    minInputs: { type: 'integer', minimum: 0 },
    stageTimeoutMs: { type: 'integer', minimum: 100 },
  },
} as const;

const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    strategy: strategySchema(),
    rounds: { type: 'integer', minimum: 1, maximum: 100_000 },
    clientsPerRound: { type: 'integer', minimum: 1, maximum: 100_000 },
    minClients: { type: 'integer', minimum: 1 },
    roundTimeoutMs: { type: 'integer', minimum: 100 },
    localEpochs: { type: 'integer', minimum: 1, maximum: 1000 },
    batchSize: { type: 'integer', minimum: 1 },
    learningRate: { type: 'number', exclusiveMinimum: 0 },
    maxExamplesPerClient: { type: 'integer', minimum: 1 },
    maxUpdateNorm: { type: 'number', exclusiveMinimum: 0 },
    maxRoundAttempts: { type: 'integer', minimum: 1, maximum: 100 },
    seed: { type: 'string', minLength: 1, maxLength: 128 },
    samplingSeed: { type: 'string', maxLength: 128 },
    localBatchNorm: { type: 'boolean' },
    secureAggregation: secureAggregationSchema,
    clientFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    populationSize: { type: 'integer', minimum: 1 },
    evaluation: evaluationSettingsSchema,
  },
} as const;

/**
 * `settings.strategy` from the core registry's schema, one branch per strategy
 * selected by `name` (if/then rather than oneOf, so Ajv's removeAdditional and
 * useDefaults act only on the chosen strategy's branch).
 */
function strategySchema() {
  const strict = strictProperties(strategyConfigSchema()) as Record<string, unknown>;
  const branches = (strict as { oneOf: Array<{ properties: { name: unknown } }> }).oneOf;
  return {
    type: 'object',
    required: ['name'],
    properties: { name: { enum: [...strategyNames] } },
    allOf: branches.map((branch) => ({
      if: { properties: { name: branch.properties.name } },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then keyword
      then: branch,
    })),
  };
}

/**
 * `additionalProperties: false` as `propertyNames`: fastify's Ajv runs with
 * removeAdditional, which would silently drop a mistyped parameter instead of refusing it.
 */
function strictProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictProperties);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, strictProperties(v)]),
  );
  if (out['additionalProperties'] === false && typeof out['properties'] === 'object') {
    delete out['additionalProperties'];
    out['propertyNames'] = { enum: Object.keys(out['properties'] as object) };
  }
  return out;
}

/**
 * A schema failure inside `settings.strategy` becomes the registry's typed
 * error (FEDERA_ERR_STRATEGY_*, 400) when validateRunStrategy can name it.
 */
function rethrowTyped(validationError: Error, settings: Record<string, unknown> | undefined): never {
  const strategy = settings?.['strategy'];
  if (typeof strategy === 'object' && strategy !== null) {
    const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
    const clientsPerRound = n(settings?.['clientsPerRound'], RUN_DEFAULTS.clientsPerRound);
    try {
      validateRunStrategy(strategy as StrategyConfig, {
        secureAggregation: Boolean(settings?.['secureAggregation']),
        clientsPerRound,
        minClients: Math.min(n(settings?.['minClients'], RUN_DEFAULTS.minClients), clientsPerRound),
      });
    } catch (err) {
      if (isFederaError(err)) throw err;
    }
  }
  throw validationError;
}

/** Public JSON view of a run. */
function runView(run: RunRecord) {
  const { topology: _topology, ...rest } = run;
  return rest;
}

/**
 * REST for researchers: create, start, stop and inspect runs; list versions;
 * download a version's weights. JSON Schema on every route.
 */
export async function runsRoutes(app: FastifyInstance, opts: { coordinator: Coordinator }): Promise<void> {
  const { coordinator } = opts;
  // Researchers (and admins) change runs; viewers and data holders (`client`, for `client join`) only read.
  const canRead = roleGuard(app, 'viewer', 'researcher', 'client');
  const canWrite = roleGuard(app, 'researcher');
  app.addHook('preHandler', async function (request, reply) {
    await (request.method === 'GET' ? canRead : canWrite).call(this, request, reply);
  });

  app.post(
    '/api/runs',
    {
      schema: {
        summary:
          'Create a run: with a topology version 0 is committed at once; with `tabular` the model is built when the feature statistics freeze',
        body: {
          type: 'object',
          required: ['id'],
          oneOf: [{ required: ['topology'] }, { required: ['tabular'] }],
          additionalProperties: false,
          properties: {
            id: runId,
            topology: { type: 'object' },
            tabular: {
              type: 'object',
              required: ['kind'],
              additionalProperties: false,
              properties: {
                kind: { enum: ['logistic', 'mlp'] },
                hidden: { type: 'integer', minimum: 1, maximum: 4096 },
              },
            },
            settings: settingsSchema,
          },
        },
        response: { 201: { type: 'object', additionalProperties: true }, 400: errorReply, 409: errorReply },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const body = request.body as {
        id: string;
        topology?: object;
        tabular?: TabularModelSpec;
        settings?: Record<string, unknown>;
      };
      if (request.validationError) rethrowTyped(request.validationError, body?.settings);
      const run = await coordinator.createRun({
        settings: { ...RUN_DEFAULTS, ...body.settings, id: body.id },
        ...(body.topology ? { topology: body.topology } : {}),
        ...(body.tabular ? { tabular: body.tabular } : {}),
      });
      return reply.status(201).send(runView(run));
    },
  );

  app.get('/api/runs', { schema: { summary: 'List runs' } }, async () =>
    (await coordinator.store.listRuns()).map(runView),
  );

  app.get(
    '/api/runs/:id',
    { schema: { summary: 'A run and its per-round metrics', params: idParams } },
    async (request) => {
      const { id } = request.params as { id: string };
      const run = await coordinator.getRun(id);
      const rounds = await coordinator.store.listRounds(id);
      const evaluations = await coordinator.evaluations.list(id);
      return { ...runView(run), rounds, evaluations, refusals: coordinator.refusals.list(id) };
    },
  );

  app.post(
    '/api/runs/:id/start',
    { schema: { summary: 'Start or continue a run', params: idParams } },
    async (request) => runView(await coordinator.startRun((request.params as { id: string }).id)),
  );

  app.post('/api/runs/:id/stop', { schema: { summary: 'Stop a run', params: idParams } }, async (request) =>
    runView(await coordinator.stopRun((request.params as { id: string }).id)),
  );

  app.get(
    '/api/runs/:id/clients',
    { schema: { summary: 'Connected members of a run (clients whose hello joined it)', params: idParams } },
    async (request) => {
      const { id } = request.params as { id: string };
      await coordinator.getRun(id);
      return coordinator.membership.members(id);
    },
  );

  app.get(
    '/api/runs/:id/rounds',
    { schema: { summary: 'Committed rounds with metrics', params: idParams } },
    async (request) => {
      const { id } = request.params as { id: string };
      await coordinator.getRun(id);
      return coordinator.store.listRounds(id);
    },
  );

  app.get(
    '/api/runs/:id/metrics',
    {
      schema: {
        summary:
          'Every committed round as one row: train loss, test and federated accuracy, ε, durations, participants',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { enum: ['json', 'csv'], default: 'json' } },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await coordinator.getRun(id);
      const table = runMetricsTable(
        await coordinator.store.listRounds(id),
        await coordinator.evaluations.list(id),
      );
      if ((request.query as { format: string }).format !== 'csv') return { runId: id, ...table };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}-metrics.csv"`)
        .send(metricsCsv(table));
    },
  );

  app.get(
    '/api/runs/:id/versions',
    { schema: { summary: 'Model versions of a run', params: idParams } },
    async (request) => {
      const { id } = request.params as { id: string };
      await coordinator.getRun(id);
      return coordinator.store.listVersions(id);
    },
  );

  app.get(
    '/api/runs/:id/versions/:version/weights',
    {
      schema: {
        summary: "A version's weights as a protobuf federa.v1.Envelope{model}",
        params: {
          type: 'object',
          required: ['id', 'version'],
          properties: { id: runId, version: { type: 'integer', minimum: 0 } },
        },
      },
    },
    async (request, reply) => {
      const { id, version } = request.params as { id: string; version: number };
      const bytes = await coordinator.encodedModel(id, version);
      const meta = await coordinator.store.getVersion(id, version);
      return reply
        .header('content-type', 'application/x-protobuf')
        .header('etag', `"${meta!.hash}"`)
        .header('content-length', bytes.byteLength)
        .send(streamBytes(bytes));
    },
  );
}
