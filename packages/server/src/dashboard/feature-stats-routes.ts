import { nullRecord } from '@federa/core';
import type { FastifyInstance } from 'fastify';
import { roleGuard } from '../auth/index.js';
import type { Coordinator } from '../coordinator.js';
import { errorReply } from '../rest/error-handler.js';

/** Options of {@link featureStatsRoutes}. */
export interface FeatureStatsOptions {
  coordinator: Coordinator;
  /**
   * Throws a typed error when a client id may not report (revoked; unknown while identity is
   * required); see `reporterCheck`. Absent without device identity: any id may report.
   */
  checkReporter?: (clientId: string) => void;
}

/** A client's feature summary (see summarizeFeatures in @federa/client): counts and sums only. */
type Summary = {
  rows: number;
  numeric: Record<string, { count: number; sum: number; sumSq: number }>;
  categorical: Record<string, Record<string, number>>;
  labels: Record<string, number>;
};

const counts = { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } as const;
const summarySchema = {
  type: 'object',
  required: ['rows', 'numeric', 'categorical', 'labels'],
  additionalProperties: false,
  properties: {
    rows: { type: 'integer', minimum: 1 },
    numeric: {
      type: 'object',
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
    categorical: { type: 'object', additionalProperties: counts },
    labels: counts,
  },
} as const;
const params = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } },
} as const;
const statusSchema = {
  type: 'object',
  properties: {
    reporters: { type: 'integer' },
    quorum: { type: 'integer' },
    ready: { type: 'boolean' },
    summary: { anyOf: [{ type: 'null' }, summarySchema] },
  },
} as const;

function sum(all: Summary[]): Summary {
  // Column, category and label names come from the network: null-prototype records (issue 11 row 1).
  const out: Summary = { rows: 0, numeric: nullRecord(), categorical: nullRecord(), labels: nullRecord() };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const s of all) {
    out.rows += s.rows;
    for (const [name, n] of Object.entries(s.numeric)) {
      const acc = out.numeric[name] ?? { count: 0, sum: 0, sumSq: 0 };
      out.numeric[name] = { count: acc.count + n.count, sum: acc.sum + n.sum, sumSq: acc.sumSq + n.sumSq };
    }
    for (const [name, c] of Object.entries(s.categorical)) {
      out.categorical[name] ??= nullRecord();
      add(out.categorical[name], c);
    }
    add(out.labels, s.labels);
  }
  return out;
}

/**
 * Federated feature statistics, a pre-round before training: each client
 * POSTs its local counts, sums and sums of squares per feature (and category
 * and label counts); GET returns only the sum over clients, and only once at
 * least the run's `minClients` have reported, from which every client derives
 * the same standardisation and one-hot order. Summaries live in memory.
 * Privacy: the coordinator sees each client's summary; with exactly two
 * reporters each can subtract its own to learn the other's.
 * With auth on, reporting needs a `client` token (data holders) and reading
 * the sum a `client`, `viewer` or `researcher` one; with device identity, the
 * reported id must pass `checkReporter`, and a revoked id's report stops counting.
 *
 * @example
 * await app.register(featureStatsRoutes, { coordinator });
 */
export async function featureStatsRoutes(app: FastifyInstance, opts: FeatureStatsOptions): Promise<void> {
  const byRun = new Map<string, Map<string, Summary>>();
  const canReport = roleGuard(app, 'client');
  const canRead = roleGuard(app, 'client', 'viewer', 'researcher');
  const admitted = (clientId: string) => {
    try {
      opts.checkReporter?.(clientId);
      return true;
    } catch {
      return false;
    }
  };
  const status = (reports: Map<string, Summary>, quorum: number) =>
    statusOf(
      [...reports].filter(([clientId]) => admitted(clientId)).map(([, s]) => s),
      quorum,
    );

  app.post<{ Params: { id: string }; Body: { clientId: string; summary: Summary } }>(
    '/api/runs/:id/feature-stats',
    {
      preHandler: canReport,
      schema: {
        summary: "Report a client's feature summary (counts and sums, never rows)",
        params,
        body: {
          type: 'object',
          required: ['clientId', 'summary'],
          additionalProperties: false,
          properties: { clientId: { type: 'string', minLength: 1, maxLength: 128 }, summary: summarySchema },
        },
        response: { 200: statusSchema, '4xx': errorReply },
      },
    },
    async (request) => {
      const { id } = request.params;
      opts.checkReporter?.(request.body.clientId);
      const run = await opts.coordinator.getRun(id);
      const reports = byRun.get(id) ?? new Map<string, Summary>();
      byRun.set(id, reports);
      reports.set(request.body.clientId, request.body.summary);
      return status(reports, run.settings.minClients);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/feature-stats',
    {
      preHandler: canRead,
      schema: {
        summary: 'Summed feature statistics once a quorum reported',
        params,
        response: { 200: statusSchema, '4xx': errorReply },
      },
    },
    async (request) => {
      const run = await opts.coordinator.getRun(request.params.id);
      return status(byRun.get(request.params.id) ?? new Map(), run.settings.minClients);
    },
  );
}

function statusOf(reports: Summary[], quorum: number) {
  const ready = reports.length >= quorum;
  return { reporters: reports.length, quorum, ready, summary: ready ? sum(reports) : null };
}
