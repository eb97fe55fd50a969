import type { FeatureSummary } from '@federa/core';
import { featureStatsSigningInput } from '@federa/protocol';
import type { FastifyInstance } from 'fastify';
import { roleGuard } from '../auth/index.js';
import type { Coordinator } from '../coordinator.js';
import { errorReply } from '../rest/error-handler.js';
import type { RunFeatures } from '../store/store.js';
import { FEATURE_LIMITS, type FeatureLimits, FeatureStatsBook } from './feature-stats-book.js';

/** Options of {@link featureStatsRoutes}. */
export interface FeatureStatsOptions {
  coordinator: Coordinator;
  /** Where reports are summed and frozen; one per coordinator (serving reads its transforms). */
  book?: FeatureStatsBook;
  /**
   * Throws a typed error when a client may not report: revoked; unknown while identity is required;
   * enrolled but the report is not signed by its device key. See `reporterCheck`. Absent without
   * device identity: any id may report, first come (docs/security.md).
   */
  checkReporter?: (clientId: string, signedInput: Uint8Array, signature: Uint8Array | undefined) => void;
  /** False for an id whose held report must stop counting (revoked). */
  admitted?: (clientId: string) => boolean;
  limits?: Partial<FeatureLimits>;
  /** Called once per run when its statistics freeze (builds a `tabular` run's model). */
  onFrozen?: (runId: string, features: RunFeatures) => Promise<void>;
}

function schemas(limits: FeatureLimits) {
  const name = { type: 'string', maxLength: limits.maxNameLength } as const;
  const counts = {
    type: 'object',
    maxProperties: limits.maxCategoriesPerColumn,
    propertyNames: name,
    additionalProperties: { type: 'number', minimum: 0 },
  } as const;
  const summary = {
    type: 'object',
    required: ['rows', 'numeric', 'categorical', 'labels'],
    additionalProperties: false,
    properties: {
      label: name,
      rows: { type: 'integer', minimum: 1 },
      numeric: {
        type: 'object',
        maxProperties: limits.maxColumns,
        propertyNames: name,
        additionalProperties: {
          type: 'object',
          required: ['count', 'sum', 'sumSq'],
          additionalProperties: false,
          properties: {
            count: { type: 'integer', minimum: 0 },
            sum: { type: 'number' },
            sumSq: { type: 'number' },
          },
        },
      },
      categorical: {
        type: 'object',
        maxProperties: limits.maxColumns,
        propertyNames: name,
        additionalProperties: counts,
      },
      labels: counts,
    },
  } as const;
  const status = {
    type: 'object',
    properties: {
      reporters: { type: 'integer' },
      quorum: { type: 'integer' },
      ready: { type: 'boolean' },
      summary: { anyOf: [{ type: 'null' }, summary] },
      // The transform is passed through as built (TabularTransform of @federa/core).
      transform: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
    },
  } as const;
  return { summary, status };
}
const params = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } },
} as const;

type ReportBody = { clientId: string; summary: FeatureSummary; signature?: string };

/**
 * Federated feature statistics, a pre-round before training: each client POSTs its local counts,
 * sums and sums of squares per feature (and category and label counts); once the run's
 * `minClients` have reported, the sum and the transform derived from it (standardisation, one-hot
 * order, class order) are frozen with the run (see {@link FeatureStatsBook}) and returned to every
 * caller. Reports are bounded in bytes, columns, categories and name length, kept once per reporter
 * (a different second report is 409), and, for an enrolled client, accepted only signed by its
 * device key over `featureStatsSigningInput`.
 * Privacy: the coordinator sees each client's summary; with exactly two reporters each can
 * subtract its own from the sum to learn the other's.
 * With auth on, reporting needs a `client` token (data holders) and reading the sum a `client`,
 * `viewer` or `researcher` one.
 *
 * @example
 * await app.register(featureStatsRoutes, { coordinator });
 */
export async function featureStatsRoutes(app: FastifyInstance, opts: FeatureStatsOptions): Promise<void> {
  const limits = { ...FEATURE_LIMITS, ...opts.limits };
  const book =
    opts.book ??
    new FeatureStatsBook(opts.coordinator.store, opts.admitted ?? (() => true), limits, opts.onFrozen);
  const canReport = roleGuard(app, 'client');
  const canRead = roleGuard(app, 'client', 'viewer', 'researcher');
  const { summary, status } = schemas(limits);

  app.post<{ Params: { id: string }; Body: ReportBody }>(
    '/api/runs/:id/feature-stats',
    {
      preHandler: canReport,
      bodyLimit: limits.maxReportBytes,
      schema: {
        summary: "Report a client's feature summary (counts and sums, never rows)",
        params,
        body: {
          type: 'object',
          required: ['clientId', 'summary'],
          additionalProperties: false,
          properties: {
            clientId: { type: 'string', minLength: 1, maxLength: 128 },
            summary,
            signature: { type: 'string', maxLength: 256, description: 'base64 device-key signature' },
          },
        },
        response: { 200: status, '4xx': errorReply, '5xx': errorReply },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { clientId, signature } = request.body;
      opts.checkReporter?.(
        clientId,
        featureStatsSigningInput(id, clientId, request.body.summary),
        signature === undefined ? undefined : new Uint8Array(Buffer.from(signature, 'base64')),
      );
      const run = await opts.coordinator.getRun(id);
      return book.report(id, clientId, request.body.summary, run.settings.minClients);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/feature-stats',
    {
      preHandler: canRead,
      schema: {
        summary: 'Summed feature statistics and the run transform, once a quorum reported',
        params,
        response: { 200: status, '4xx': errorReply },
      },
    },
    async (request) => {
      const run = await opts.coordinator.getRun(request.params.id);
      return book.status(request.params.id, run.settings.minClients);
    },
  );
}
