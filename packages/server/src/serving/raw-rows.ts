import { type RawCell, type TabularEncoder, ownValue, splitCsvRecords } from '@federa/core';
import { servingErrors } from './errors.js';
import type { ModelSignature } from './signature.js';
import type { InputBatch } from './tensor-input.js';

const badRow = (detail: string) => servingErrors.create('FEDERA_ERR_SERVING_BAD_ROW', detail);

/** The model's transform, checked to produce its input; throws NO_TRANSFORM otherwise. */
export function transformFor(encoder: TabularEncoder | undefined, sig: ModelSignature): TabularEncoder {
  if (!encoder) throw servingErrors.create('FEDERA_ERR_SERVING_NO_TRANSFORM');
  if (encoder.width !== sig.inputSize) {
    throw servingErrors.create(
      'FEDERA_ERR_SERVING_NO_TRANSFORM',
      `the transform encodes ${encoder.width} inputs, the model takes ${sig.inputSize}`,
    );
  }
  return encoder;
}

/** A JSON object that is not `{ "<input name>": tensor }`: a raw row by column name. */
export function isRawRow(value: unknown, sig: ModelSignature): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Object.hasOwn(value, sig.inputName)
  );
}

/** One cell of a raw JSON row: a string, number, boolean or null (missing). */
function cellOf(row: Record<string, unknown>, name: string, path: string): RawCell {
  if (!Object.hasOwn(row, name)) throw badRow(`${path} has no "${name}" (send null for a missing value)`);
  const v = ownValue(row, name);
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw badRow(`${path}.${name} must be a string, number, boolean or null`);
}

function encodeWith(
  encoder: TabularEncoder,
  rows: number,
  cell: (row: number, name: string) => RawCell,
): InputBatch {
  const data = new Float32Array(rows * encoder.width);
  for (let r = 0; r < rows; r++) {
    encoder.encodeRow((name) => cell(r, name), data, r * encoder.width, r);
  }
  return { data, rows };
}

/**
 * Raw rows (JSON objects by column name) encoded with exactly the transform the run trained with.
 * Every feature column must be present (null for a missing value); other keys, such as the label,
 * are ignored.
 *
 * @example
 * encodeRawRows([{ age: 54, sex: 'F' }], encoder, 'instances');
 */
export function encodeRawRows(rows: readonly unknown[], encoder: TabularEncoder, path: string): InputBatch {
  const objects = rows.map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw badRow(`${path}[${i}] must be an object by column name`);
    }
    return row as Record<string, unknown>;
  });
  return encodeWith(encoder, objects.length, (r, name) => cellOf(objects[r]!, name, `${path}[${r}]`));
}

/** Raw columns (`{ age: [54, 61], sex: ['F', 'M'] }`, TF Serving columnar or OIP tensors by column). */
export function encodeRawColumns(
  columns: Record<string, unknown>,
  encoder: TabularEncoder,
  path: string,
): InputBatch {
  const names = encoder.transform.features.map((f) => f.name);
  const lists = names.map((name) => {
    const list = ownValue(columns, name);
    if (!Array.isArray(list)) throw badRow(`${path} has no column "${name}" (an array of values)`);
    return list as unknown[];
  });
  const rows = lists[0]?.length ?? 0;
  if (rows === 0 || lists.some((l) => l.length !== rows)) {
    throw badRow(`${path}: every column needs the same number of values, at least one`);
  }
  const rowsAsObjects = Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(names.map((name, c) => [name, lists[c]![r]])),
  );
  return encodeRawRows(rowsAsObjects, encoder, path);
}

/**
 * A CSV body (header row, then raw rows as in the training files) encoded with the transform.
 * Columns the transform does not use (the label, ids) are ignored; every feature column must exist.
 *
 * @example
 * encodeCsv('age,sex\n54,F\n', encoder);
 */
export function encodeCsv(text: string, encoder: TabularEncoder): InputBatch {
  const records = splitCsvRecords(text.replace(/^\uFEFF/, ''), ',', badRow).filter(
    (r) => !(r.length === 1 && r[0]!.trim() === ''),
  );
  const header = records.shift()?.map((c) => c.trim()) ?? [];
  if (records.length === 0) throw badRow('the CSV needs a header row and at least one row');
  const at = new Map(header.map((name, i) => [name, i]));
  for (const f of encoder.transform.features) {
    if (!at.has(f.name)) throw badRow(`the CSV has no column "${f.name}"`);
  }
  records.forEach((r, i) => {
    if (r.length !== header.length)
      throw badRow(`CSV line ${i + 2} has ${r.length} fields, the header ${header.length}`);
  });
  return encodeWith(encoder, records.length, (r, name) => records[r]![at.get(name)!]);
}
