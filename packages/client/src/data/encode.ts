import { ownValue } from '@federa/core';
import type { LocalDataset } from '../dataset.js';
import { dataErrors } from './errors.js';
import { type GlobalFeatureStats, numericCell } from './feature-stats.js';
import { type RawTable, type TableSchema, columnIndex, resolveSchema } from './table.js';

/**
 * Names of the encoded inputs in order: standardised numeric features, then
 * one input per category (`sex=F`). Its length is the model's input width.
 *
 * @example
 * encodedFeatureNames(['age', 'sex'], schema, stats); // ['age', 'sex=F', 'sex=M']
 */
export function encodedFeatureNames(
  columns: readonly string[],
  schema: TableSchema,
  stats: GlobalFeatureStats,
): string[] {
  const s = resolveSchema(columns, schema);
  return [
    ...s.numeric,
    ...s.categorical.flatMap((c) => (ownValue(stats.categories, c) ?? []).map((v) => `${c}=${v}`)),
  ];
}

/**
 * Encode a table with federation-wide statistics: numeric features become
 * (x - mean) / std (missing cells become 0, the mean), categorical features
 * one-hot in the global category order (unseen values all zero), labels class
 * ids in the global class order.
 *
 * @example
 * const data = encodeTable(parseCsv(text), { label: 'diabetes', categorical: ['sex'] }, stats);
 */
export function encodeTable(table: RawTable, schema: TableSchema, stats: GlobalFeatureStats): LocalDataset {
  const s = resolveSchema(table.columns, schema);
  const missing = (name: string) =>
    dataErrors.create('FEDERA_ERR_DATA_MISSING_COLUMN', `no column "${name}" in the data`);
  const [labelAt] = columnIndex(table, [s.label], missing);
  const numAt = columnIndex(table, s.numeric, missing);
  const catAt = columnIndex(table, s.categorical, missing);
  if (table.rows.length === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY');
  const width = encodedFeatureNames(table.columns, schema, stats).length;
  const classOf = new Map(stats.classes.map((c, i) => [c, i]));
  const n = table.rows.length;
  const x = new Float32Array(n * width);
  const y = new Int32Array(n);
  table.rows.forEach((row, r) => {
    let at = r * width;
    numAt.forEach((c, k) => {
      const name = s.numeric[k]!;
      const { mean, std } = ownValue(stats.numeric, name) ?? { mean: 0, std: 1 };
      const v = numericCell(row[c]!, name, r);
      x[at++] = v === undefined ? 0 : (v - mean) / std;
    });
    catAt.forEach((c, k) => {
      const values = ownValue(stats.categories, s.categorical[k]!) ?? [];
      const hot = values.indexOf(row[c]!.trim());
      if (hot >= 0) x[at + hot] = 1;
      at += values.length;
    });
    const label = classOf.get(row[labelAt!]!.trim());
    if (label === undefined) {
      throw dataErrors.create('FEDERA_ERR_DATA_UNKNOWN_LABEL', `row ${r + 1}: "${row[labelAt!]}"`);
    }
    y[r] = label;
  });
  return { x, y, n, featureShape: [width], numClasses: stats.classes.length };
}
