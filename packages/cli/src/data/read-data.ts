import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  type LocalDataset,
  type RawTable,
  idxDataset,
  parseCsv,
  parseIdx,
  parseNdjson,
} from '@federa/client';
import { CliError } from '../cli/errors.js';

/** File formats `federa client join` reads. */
export type DataFormat = 'csv' | 'ndjson' | 'idx';

/** Format from `--format` or the file extension (.csv, .ndjson/.jsonl, .idx/-ubyte). */
export function formatOf(path: string, explicit?: string): DataFormat {
  const f =
    explicit ?? { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.idx': 'idx' }[extname(path)];
  if (f === 'csv' || f === 'ndjson' || f === 'idx') return f;
  if (!explicit && /ubyte$/.test(path)) return 'idx';
  throw new CliError(`cannot tell the format of ${path}; pass --format csv|ndjson|idx`);
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `data file ${path} not found` : `cannot read ${path}: ${code}`);
  }
}

/** A CSV or NDJSON file as a raw table (Node side of the isomorphic loaders). */
export function readTable(path: string, format: 'csv' | 'ndjson'): RawTable {
  const text = read(path).toString('utf8');
  return format === 'csv' ? parseCsv(text) : parseNdjson(text);
}

/** An IDX image file plus its IDX label file (the MNIST distribution format), flattened for dense models. */
export function readIdx(images: string, labels: string | undefined, classes?: number): LocalDataset {
  if (!labels) throw new CliError('IDX data needs --labels LABELS_FILE (e.g. train-labels-idx1-ubyte)');
  return idxDataset(parseIdx(read(images)), parseIdx(read(labels)), classes, { flatten: true });
}
