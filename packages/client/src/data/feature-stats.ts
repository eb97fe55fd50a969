import { type FeatureSummary, emptySummary, nullRecord } from '@federa/core';
import { dataErrors } from './errors.js';
import { type RawTable, type TableSchema, columnIndex, resolveSchema } from './table.js';

export const missingColumn = (name: string) =>
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
  const summary = emptySummary(s.label);
  summary.rows = table.rows.length;
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
