import { ownValue } from '../records.js';
import type { FeatureSummary } from './summary.js';

/** One input column of a tabular model and how it is encoded. */
export type TabularFeature =
  | { name: string; kind: 'numeric'; mean: number; std: number }
  | { name: string; kind: 'categorical'; categories: string[] };

/**
 * The preprocessing that is part of a tabular model: column order, standardisation of numeric
 * columns, one-hot category order, the label column and the class order. Derived once from the
 * federated feature statistics; clients train with it and serving applies it to raw rows, so
 * training and serving encode identically. Stored beside a served model as `transform.json`.
 */
export interface TabularTransform {
  format: typeof TABULAR_TRANSFORM_FORMAT;
  label: string;
  /** Class id i is classes[i]. */
  classes: string[];
  /** In input order: numeric features, then categorical ones, each group in column order. */
  features: TabularFeature[];
  /** Rows the statistics were computed from. */
  rows: number;
}

/** Version tag of {@link TabularTransform}. */
export const TABULAR_TRANSFORM_FORMAT = 'federa.tabular.v1';

/** Numbers by value ("2" before "10"), anything else by code unit. */
const byValue = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The transform of a summed summary: means, population standard deviations (1 when a feature is
 * constant), sorted categories and classes.
 *
 * @example
 * const transform = transformFromSummary(mergeSummaries(all));
 */
export function transformFromSummary(total: FeatureSummary): TabularTransform {
  const numeric: TabularFeature[] = Object.entries(total.numeric).map(([name, { count, sum, sumSq }]) => {
    const mean = count > 0 ? sum / count : 0;
    const variance = count > 0 ? Math.max(0, sumSq / count - mean * mean) : 0;
    return { name, kind: 'numeric', mean, std: variance > 1e-12 ? Math.sqrt(variance) : 1 };
  });
  const categorical: TabularFeature[] = Object.entries(total.categorical).map(([name, counts]) => ({
    name,
    kind: 'categorical',
    categories: Object.keys(counts).sort(),
  }));
  return {
    format: TABULAR_TRANSFORM_FORMAT,
    label: total.label ?? 'label',
    classes: Object.keys(total.labels).sort(byValue),
    features: [...numeric, ...categorical],
    rows: total.rows,
  };
}

/** A raw cell: CSV text, or a JSON value of a row object. `null`, `undefined` and `''` are missing. */
export type RawCell = string | number | boolean | null | undefined;

/** A {@link TabularTransform} ready to encode rows; see {@link tabularEncoder}. */
export interface TabularEncoder {
  readonly transform: TabularTransform;
  /** Model input width: numeric features plus every category. */
  readonly width: number;
  /** Encoded input names in order: `age`, then `sex=F`, `sex=M`, ... */
  readonly inputNames: readonly string[];
  /**
   * Encode one row into `out` at `offset`: numeric cells become (x - mean) / std (missing: 0, the
   * mean), categorical cells one-hot in the transform's order (missing or unseen: all zero).
   * `cell(name)` reads the row's raw value of a column.
   */
  encodeRow(cell: (name: string) => RawCell, out: Float32Array, offset: number, row: number): void;
  /** Class id of a raw label value, or undefined when it is not one of the classes. */
  classOf(label: string): number | undefined;
}

/**
 * Compile a transform into an encoder; `fail` makes the caller's typed error for a non-numeric
 * value in a numeric column (the client's data error, the coordinator's 400).
 *
 * @example
 * const enc = tabularEncoder(transform, (detail) => new Error(detail));
 * const x = new Float32Array(enc.width);
 * enc.encodeRow((name) => row[name], x, 0, 0);
 */
export function tabularEncoder(transform: TabularTransform, fail: (detail: string) => Error): TabularEncoder {
  const slots = transform.features.map((f) =>
    f.kind === 'numeric' ? f : { ...f, index: new Map(f.categories.map((c, i) => [c, i])) },
  );
  const classes = new Map(transform.classes.map((c, i) => [c, i]));
  const inputNames = transform.features.flatMap((f) =>
    f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`),
  );
  return {
    transform,
    width: inputNames.length,
    inputNames,
    classOf: (label) => classes.get(label.trim()),
    encodeRow(cell, out, offset, row) {
      let at = offset;
      for (const f of slots) {
        const raw = cell(f.name);
        const text = raw === null || raw === undefined ? '' : String(raw).trim();
        if (f.kind === 'numeric') {
          const v = typeof raw === 'number' ? raw : text === '' ? undefined : Number(text);
          if (v !== undefined && !Number.isFinite(v)) {
            throw fail(`column "${f.name}" row ${row + 1} is ${JSON.stringify(raw)}, not a finite number`);
          }
          out[at++] = v === undefined ? 0 : (v - f.mean) / f.std;
        } else {
          const hot = f.index.get(text);
          if (hot !== undefined) out[at + hot] = 1;
          at += f.categories.length;
        }
      }
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((c) => typeof c === 'string');

/**
 * Check that parsed JSON (a stored record, a downloaded `transform.json`) is a transform; returns a
 * copy holding only the transform's fields, or throws `fail(detail)`.
 *
 * @example
 * const transform = parseTabularTransform(await (await fetch(url)).json(), (d) => new Error(d));
 */
export function parseTabularTransform(json: unknown, fail: (detail: string) => Error): TabularTransform {
  if (!isObject(json) || ownValue(json, 'format') !== TABULAR_TRANSFORM_FORMAT) {
    throw fail(`not a ${TABULAR_TRANSFORM_FORMAT} transform`);
  }
  const { label, classes, features, rows } = json;
  if (
    typeof label !== 'string' ||
    !isStringList(classes) ||
    typeof rows !== 'number' ||
    !Array.isArray(features)
  ) {
    throw fail('a transform needs label, classes, features and rows');
  }
  return {
    format: TABULAR_TRANSFORM_FORMAT,
    label,
    classes: [...classes],
    rows,
    features: features.map((f, i): TabularFeature => {
      if (isObject(f) && typeof f['name'] === 'string') {
        const { name, kind, mean, std, categories } = f;
        if (kind === 'numeric' && Number.isFinite(mean) && Number.isFinite(std) && (std as number) > 0) {
          return { name, kind, mean: mean as number, std: std as number };
        }
        if (kind === 'categorical' && isStringList(categories))
          return { name, kind, categories: [...categories] };
      }
      throw fail(`features[${i}] is not a numeric (mean, std > 0) or categorical (categories) feature`);
    }),
  };
}
