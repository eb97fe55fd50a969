import { nullRecord } from '@federa/core';
import { serverErrors } from '../errors.js';

/** Most metrics one update or evaluation result may report (docs/robustness.md). */
export const MAX_CLIENT_METRICS = 32;
/** A metric name: 1-64 characters of letters, digits and `_ . : / -`, starting with a letter, digit or `_`. */
export const METRIC_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,63}$/;

/**
 * The metrics a client reported, checked: at most {@link MAX_CLIENT_METRICS} names matching
 * {@link METRIC_NAME}, else FEDERA_ERR_ROUND_BAD_METRICS (the whole message is refused). Non-finite
 * values are dropped (metrics are informational). A null-prototype record: `constructor` is a name like any other.
 */
export function checkClientMetrics(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const names = Object.keys(metrics);
  if (names.length > MAX_CLIENT_METRICS) {
    throw serverErrors.create(
      'FEDERA_ERR_ROUND_BAD_METRICS',
      `${names.length} metrics, at most ${MAX_CLIENT_METRICS}`,
    );
  }
  const out = nullRecord<number>();
  for (const name of names) {
    if (!METRIC_NAME.test(name))
      throw serverErrors.create('FEDERA_ERR_ROUND_BAD_METRICS', `name ${JSON.stringify(name.slice(0, 80))}`);
    const v = metrics[name]!;
    if (Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/** Examples-weighted mean of each metric the participants reported, as a null-prototype record. */
export function examplesWeightedMeans(
  participants: Iterable<{ numExamples: number; metrics: Readonly<Record<string, number>> }>,
  prefix = '',
): Record<string, number> {
  const sums = new Map<string, { value: number; weight: number }>();
  for (const p of participants) {
    for (const [k, v] of Object.entries(p.metrics)) {
      const s = sums.get(k) ?? { value: 0, weight: 0 };
      s.value += v * p.numExamples;
      s.weight += p.numExamples;
      sums.set(k, s);
    }
  }
  const out = nullRecord<number>();
  for (const [k, s] of sums) out[`${prefix}${k}`] = s.value / s.weight;
  return out;
}
