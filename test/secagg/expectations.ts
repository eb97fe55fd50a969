import { quantizationErrorBound } from '@federa/core';
import { expect } from 'vitest';
import { type SecAggFederation, type TrueUpdate, flatten, paramsOf, plaintextMean } from './helpers.js';

/** The committed delta of `round` must be the plaintext weighted mean of its participants' true deltas. */
export async function expectCorrectAggregate(
  f: SecAggFederation,
  runId: string,
  round: number,
  extra: readonly TrueUpdate[] = [],
) {
  const run = await f.server.coordinator.getRun(runId);
  const [record] = (await f.server.store.listRounds(runId)).filter((r) => r.round === round);
  expect(record).toBeDefined();
  const truth = f.truth.get(`${round}.${record!.attempts}`)!;
  const participants = new Set(record!.participants.map((p) => p.clientId));
  const included = [...truth, ...extra].filter((u) => participants.has(u.clientId));
  expect(included).toHaveLength(participants.size);
  const params = paramsOf(f.tasks.get(truth.find((u) => participants.has(u.clientId))!.clientId)!);
  const mean = plaintextMean(included, params);
  const prev = flatten(await f.server.store.getWeights(runId, record!.baseVersion, run.specs));
  const next = flatten(await f.server.store.getWeights(runId, record!.version, run.specs));
  const bound = quantizationErrorBound(params) + 1e-6;
  let worst = 0;
  for (let j = 0; j < mean.length; j++) worst = Math.max(worst, Math.abs(next[j]! - prev[j]! - mean[j]!));
  expect(worst).toBeLessThanOrEqual(bound);
  // Not vacuous: the round moved the model by much more than the bound.
  expect(mean.some((v) => Math.abs(v) > 100 * bound)).toBe(true);
  // Training loss travels inside the mask: the record holds its weighted mean over the clients
  // that reported one, within R/2^b.
  expect(params.metricNames).toContain('train_loss');
  const reporting = included.filter((u) => u.metrics['train_loss'] !== undefined);
  expect(reporting.length).toBeGreaterThan(0);
  const weights = reporting.map((u) => Math.min(u.numExamples, params.maxWeight));
  const loss = reporting.reduce((s, u, i) => s + weights[i]! * u.metrics['train_loss']!, 0);
  const expectedLoss = loss / weights.reduce((a, b) => a + b, 0);
  const lossBound = params.metricRange / 2 ** params.quantizationBits + 1e-9;
  expect(Math.abs(record!.metrics['train_loss']! - expectedLoss)).toBeLessThanOrEqual(lossBound);
  return record!;
}
