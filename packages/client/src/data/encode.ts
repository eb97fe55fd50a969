import { type TabularTransform, tabularEncoder } from '@federa/core';
import type { LocalDataset } from '../dataset.js';
import { dataErrors } from './errors.js';
import { missingColumn } from './feature-stats.js';
import { type RawTable, columnIndex } from './table.js';

/**
 * Encode a table with the run's transform (from the federated statistics): numeric features
 * become (x - mean) / std (missing cells become 0, the mean), categorical features one-hot in the
 * transform's category order (unseen values all zero), labels class ids in its class order. The
 * coordinator applies the same transform (the same `tabularEncoder` of @federa/core) to raw rows
 * it serves.
 *
 * @example
 * const data = encodeTable(parseCsv(text), transform);
 */
export function encodeTable(table: RawTable, transform: TabularTransform): LocalDataset {
  const encoder = tabularEncoder(transform, (detail) =>
    dataErrors.create('FEDERA_ERR_DATA_NOT_NUMERIC', detail),
  );
  const names = transform.features.map((f) => f.name);
  const columns = columnIndex(table, names, missingColumn);
  const at = new Map(names.map((name, i) => [name, columns[i]!]));
  const [labelAt] = columnIndex(table, [transform.label], missingColumn);
  if (table.rows.length === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY');
  const n = table.rows.length;
  const x = new Float32Array(n * encoder.width);
  const y = new Int32Array(n);
  table.rows.forEach((row, r) => {
    encoder.encodeRow((name) => row[at.get(name)!], x, r * encoder.width, r);
    const label = encoder.classOf(row[labelAt!]!);
    if (label === undefined) {
      throw dataErrors.create('FEDERA_ERR_DATA_UNKNOWN_LABEL', `row ${r + 1}: "${row[labelAt!]}"`);
    }
    y[r] = label;
  });
  return { x, y, n, featureShape: [encoder.width], numClasses: transform.classes.length };
}
