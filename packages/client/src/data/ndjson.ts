import { dataErrors } from './errors.js';
import type { RawTable } from './table.js';

/**
 * Parse newline-delimited JSON objects into a table. Columns are the union of
 * keys in first-seen order; a key absent from a record is an empty cell.
 * Values must be strings, numbers or booleans (nested values are malformed).
 *
 * @example
 * parseNdjson('{"age":54,"sex":"F"}\n{"age":61,"sex":"M"}\n').columns; // ['age', 'sex']
 */
export function parseNdjson(text: string): RawTable {
  const records: Record<string, unknown>[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw dataErrors.create('FEDERA_ERR_DATA_MALFORMED', `NDJSON line ${i + 1} is not valid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw dataErrors.create('FEDERA_ERR_DATA_MALFORMED', `NDJSON line ${i + 1} is not a JSON object`);
    }
    records.push(value as Record<string, unknown>);
  });
  if (records.length === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY', 'the NDJSON has no records');
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const rows = records.map((r, i) =>
    columns.map((c) => {
      const v = r[c];
      if (v === undefined || v === null) return '';
      if (typeof v === 'object') {
        throw dataErrors.create(
          'FEDERA_ERR_DATA_MALFORMED',
          `NDJSON record ${i + 1}: "${c}" is not a scalar`,
        );
      }
      return String(v);
    }),
  );
  return { columns, rows };
}
