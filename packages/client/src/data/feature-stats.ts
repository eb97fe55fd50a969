import { nullRecord } from '@federa/core';
import { dataErrors } from './errors.js';
import { type RawTable, type TableSchema, columnIndex, resolveSchema } from './table.js';

/**
 * What one client discloses to compute federation-wide encodings: per numeric
 * feature its count, sum and sum of squares; per categorical feature and for
 * the label, how often each value occurs. Never rows.
 */
export interface FeatureSummary {
  rows: number;
  numeric: Record<string, { count: number; sum: number; sumSq: number }>;
  categorical: Record<string, Record<string, number>>;
  labels: Record<string, number>;
}

/** Federation-wide encoding parameters derived from the summed summaries. */
export interface GlobalFeatureStats {
  rows: number;
  numeric: Record<string, { mean: number; std: number }>;
  /** Sorted category values per categorical feature: the one-hot order. */
  categories: Record<string, string[]>;
  /** Sorted label values: class id i is classes[i]. */
  classes: string[];
}

const missingColumn = (name: string) =>
  dataErrors.create('FEDERA_ERR_DATA_MISSING_COLUMN', `no column "${name}" in the data`);

/** A cell is numeric when it parses as a finite number; blank cells are missing values. */
export function numericCell(cell: string, column: string, row: number): number | undefined {
  const t = cell.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!Number.isFinite(v)) {
    throw dataErrors.create(
      'FEDERA_ERR_DATA_NOT_NUMERIC',
      `column "${column}" row ${row + 1} is "${cell}"; declare it categorical or fix the value`,
    );
  }
  return v;
}

/**
 * Summarise a client's table for the federated statistics pre-round.
 *
 * @example
 * const summary = summarizeFeatures(parseCsv(text), { label: 'diabetes', categorical: ['sex'] });
 */
export function summarizeFeatures(table: RawTable, schema: TableSchema): FeatureSummary {
  const s = resolveSchema(table.columns, schema);
  const [labelAt] = columnIndex(table, [s.label], missingColumn);
  const numAt = columnIndex(table, s.numeric, missingColumn);
  const catAt = columnIndex(table, s.categorical, missingColumn);
  if (table.rows.length === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY');
  // Names come from the data file: null-prototype records, so `constructor` is just a category.
  const summary: FeatureSummary = {
    rows: table.rows.length,
    numeric: nullRecord(),
    categorical: nullRecord(),
    labels: nullRecord(),
  };
  for (const name of s.numeric) summary.numeric[name] = { count: 0, sum: 0, sumSq: 0 };
  for (const name of s.categorical) summary.categorical[name] = nullRecord();
  table.rows.forEach((row, r) => {
    const label = row[labelAt!]!.trim();
    if (label === '') throw dataErrors.create('FEDERA_ERR_DATA_MALFORMED', `row ${r + 1} has no label`);
    summary.labels[label] = (summary.labels[label] ?? 0) + 1;
    numAt.forEach((c, k) => {
      const v = numericCell(row[c]!, s.numeric[k]!, r);
      if (v === undefined) return;
      const acc = summary.numeric[s.numeric[k]!]!;
      acc.count++;
      acc.sum += v;
      acc.sumSq += v * v;
    });
    catAt.forEach((c, k) => {
      const counts = summary.categorical[s.categorical[k]!]!;
      const v = row[c]!.trim();
      counts[v] = (counts[v] ?? 0) + 1;
    });
  });
  return summary;
}

/**
 * Sum client summaries (what the coordinator does; exact, order-independent).
 *
 * @example
 * const total = mergeSummaries([a, b, c]);
 */
export function mergeSummaries(summaries: readonly FeatureSummary[]): FeatureSummary {
  const out: FeatureSummary = {
    rows: 0,
    numeric: nullRecord(),
    categorical: nullRecord(),
    labels: nullRecord(),
  };
  const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const s of summaries) {
    out.rows += s.rows;
    for (const [name, n] of Object.entries(s.numeric)) {
      const acc = out.numeric[name] ?? { count: 0, sum: 0, sumSq: 0 };
      out.numeric[name] = acc;
      acc.count += n.count;
      acc.sum += n.sum;
      acc.sumSq += n.sumSq;
    }
    for (const [name, counts] of Object.entries(s.categorical)) {
      out.categorical[name] ??= nullRecord();
      addCounts(out.categorical[name], counts);
    }
    addCounts(out.labels, s.labels);
  }
  return out;
}

const byValue = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && a !== '' && b !== ''
    ? x - y
    : a < b
      ? -1
      : a > b
        ? 1
        : 0;
};

/**
 * Means, population standard deviations (1 when a feature is constant), sorted
 * categories and classes from a summed summary.
 *
 * @example
 * const stats = globalStatsFrom(mergeSummaries(all));
 */
export function globalStatsFrom(total: FeatureSummary): GlobalFeatureStats {
  const numeric: GlobalFeatureStats['numeric'] = nullRecord();
  for (const [name, { count, sum, sumSq }] of Object.entries(total.numeric)) {
    const mean = count > 0 ? sum / count : 0;
    const variance = count > 0 ? Math.max(0, sumSq / count - mean * mean) : 0;
    numeric[name] = { mean, std: variance > 1e-12 ? Math.sqrt(variance) : 1 };
  }
  const categories: GlobalFeatureStats['categories'] = nullRecord();
  for (const [name, counts] of Object.entries(total.categorical))
    categories[name] = Object.keys(counts).sort();
  return { rows: total.rows, numeric, categories, classes: Object.keys(total.labels).sort(byValue) };
}
