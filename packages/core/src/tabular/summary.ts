import { nullRecord } from '../records.js';

/** Count, sum and sum of squares of one numeric feature: enough for its mean and variance. */
export interface NumericMoments {
  count: number;
  sum: number;
  sumSq: number;
}

/**
 * What one client discloses to compute federation-wide encodings: its label column's name, per
 * numeric feature its count, sum and sum of squares, per categorical feature and for the label how
 * often each value occurs. Never rows. Key order is column order. Records built here have no
 * prototype (names come from data files and the network).
 */
export interface FeatureSummary {
  /** Name of the label column; absent in reports of clients older than the transform. */
  label?: string;
  rows: number;
  numeric: Record<string, NumericMoments>;
  categorical: Record<string, Record<string, number>>;
  labels: Record<string, number>;
}

/** A summary of no rows with the given label column, to fold others into. */
export function emptySummary(label?: string): FeatureSummary {
  return {
    ...(label === undefined ? {} : { label }),
    rows: 0,
    numeric: nullRecord(),
    categorical: nullRecord(),
    labels: nullRecord(),
  };
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Add `from` into `into` in place: O(size of `from`), so a coordinator sums reports as they arrive.
 *
 * @example
 * const total = emptySummary('y');
 * for (const report of reports) addSummary(total, report);
 */
export function addSummary(into: FeatureSummary, from: FeatureSummary): void {
  if (into.label === undefined && from.label !== undefined) into.label = from.label;
  into.rows += from.rows;
  for (const [name, n] of Object.entries(from.numeric)) {
    const acc = into.numeric[name] ?? { count: 0, sum: 0, sumSq: 0 };
    into.numeric[name] = acc;
    acc.count += n.count;
    acc.sum += n.sum;
    acc.sumSq += n.sumSq;
  }
  for (const [name, counts] of Object.entries(from.categorical)) {
    into.categorical[name] ??= nullRecord();
    addCounts(into.categorical[name], counts);
  }
  addCounts(into.labels, from.labels);
}

/**
 * Sum client summaries (what the coordinator does; exact for counts, order-independent).
 *
 * @example
 * const total = mergeSummaries([a, b, c]);
 */
export function mergeSummaries(summaries: readonly FeatureSummary[]): FeatureSummary {
  const out = emptySummary();
  for (const s of summaries) addSummary(out, s);
  return out;
}
