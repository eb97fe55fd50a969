import {
  type FeatureSummary,
  FederaError,
  type TabularTransform,
  parseTabularTransform,
  tabularEncoder,
} from '@federa/core';
import { featureStatsSigningInput } from '@federa/protocol';
import type { LocalDataset } from '../dataset.js';
import { type DeviceKey, signWithDeviceKey, toBase64 } from '../identity/device-key.js';
import { encodeTable } from './encode.js';
import { dataErrors } from './errors.js';
import { summarizeFeatures } from './feature-stats.js';
import type { RawTable, TableSchema } from './table.js';

/** Options of {@link federatedTransform} and {@link prepareTabularData}. */
export interface FederatedStatsOptions {
  /** Coordinator base URL. */
  url: string;
  runId: string;
  clientId: string;
  /** Bearer token of the `client` role, when the coordinator has auth on. */
  token?: string;
  /** The enrolled device key: signs the report (an enrolled id's reports must be signed). */
  identity?: DeviceKey;
  /** fetch to use (e.g. one trusting a private CA in Node). Default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Called while waiting for the quorum. */
  onProgress?: (reporters: number, quorum: number) => void;
  /** Give up after this long (FEDERA_ERR_DATA_STATS_TIMEOUT); default 5 minutes. */
  timeoutMs?: number;
  /** Poll interval; default 500 ms. */
  pollMs?: number;
}

interface Status {
  reporters: number;
  quorum: number;
  ready: boolean;
  transform: unknown;
}

const badTransform = (detail: string) =>
  dataErrors.create('FEDERA_ERR_DATA_MALFORMED', `transform: ${detail}`);

/**
 * The feature-statistics pre-round over REST, the same for `federa client join`, a Node app and a
 * browser page: POST this client's summary (signed by `identity` when given), repeating the same
 * report until the run's quorum has reported (repeats are idempotent, so a coordinator restart in
 * between loses nothing), and return the run's transform that the coordinator froze from the sum.
 *
 * @example
 * const transform = await federatedTransform(summarizeFeatures(table, schema), { url, runId, clientId });
 */
export async function federatedTransform(
  summary: FeatureSummary,
  opts: FederatedStatsOptions,
): Promise<TabularTransform> {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const url = new URL(`/api/runs/${encodeURIComponent(opts.runId)}/feature-stats`, opts.url);
  const signature = opts.identity
    ? toBase64(
        await signWithDeviceKey(opts.identity, featureStatsSigningInput(opts.runId, opts.clientId, summary)),
      )
    : undefined;
  const body = JSON.stringify({ clientId: opts.clientId, summary, ...(signature ? { signature } : {}) });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  for (;;) {
    const res = await fetchFn(url, { method: 'POST', headers, body });
    const reply = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw replyError(res.status, reply);
    const status = reply as unknown as Status;
    if (status.ready) return parseTabularTransform(status.transform, badTransform);
    opts.onProgress?.(status.reporters, status.quorum);
    if (Date.now() > deadline) {
      throw dataErrors.create(
        'FEDERA_ERR_DATA_STATS_TIMEOUT',
        `only ${status.reporters}/${status.quorum} clients sent feature statistics in time`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 500));
  }
}

function replyError(status: number, body: Record<string, unknown>): FederaError {
  const code = typeof body['code'] === 'string' ? body['code'] : 'FEDERA_ERR_INTERNAL';
  const message =
    code === 'FEDERA_ERR_ROUTE_NOT_FOUND'
      ? 'this coordinator does not serve /api/runs/:id/feature-stats; upgrade it or use IDX data'
      : typeof body['message'] === 'string'
        ? body['message']
        : `feature statistics: HTTP ${status}`;
  return new FederaError(code, message, { status, retryable: body['retryable'] === true });
}

/** A table encoded with the run's federated transform. */
export interface PreparedTabularData {
  data: LocalDataset;
  transform: TabularTransform;
  /** This client's own summary, as reported. */
  summary: FeatureSummary;
  /** Encoded input names in order (`age`, `sex=F`, ...): the model's input width is their count. */
  inputNames: readonly string[];
}

/**
 * The whole tabular step before training: summarise the local table, run the federated pre-round,
 * encode with the run's transform. A browser page, a Node app and `federa client join` all call this,
 * so they encode identically.
 *
 * @example
 * const { data } = await prepareTabularData(parseCsv(text), { label: 'y' }, { url, runId, clientId });
 * await new FederaClient({ url, clientId, data }).start();
 */
export async function prepareTabularData(
  table: RawTable,
  schema: TableSchema,
  opts: FederatedStatsOptions,
): Promise<PreparedTabularData> {
  const summary = summarizeFeatures(table, schema);
  const transform = await federatedTransform(summary, opts);
  const data = encodeTable(table, transform);
  const inputNames = tabularEncoder(transform, badTransform).inputNames;
  return { data, transform, summary, inputNames };
}
