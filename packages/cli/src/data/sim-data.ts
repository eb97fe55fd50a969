import {
  type LocalDataset,
  type TableSchema,
  encodeTable,
  summarizeFeatures,
  transformFromSummary,
} from '@federa/client';
import { UsageError } from '../cli/errors.js';
import { type LabelledData, selectRows } from './labelled.js';
import { formatOf, readIdx, readTable } from './read-data.js';

/** Where `federa sim --data` reads a dataset: IDX image + label files, or CSV / NDJSON rows. */
export interface SimDataSource {
  data: string;
  /** IDX label file of `data`. */
  labels?: string | undefined;
  /** Test split; without it every 5th row of `data` is held out. */
  testData?: string | undefined;
  testLabels?: string | undefined;
  format?: string | undefined;
  /** CSV / NDJSON: label column and schema, as for `client join`. */
  schema: TableSchema;
}

/**
 * A train and a test split for a simulation (issue 14 item 6). Tabular rows are encoded as a federation
 * would encode them: standardisation and one-hot categories from the summed per-row statistics of the
 * training rows, which equal the federated sum of every simulated client's summary.
 */
export function loadSimData(src: SimDataSource): {
  train: LabelledData;
  test: LabelledData;
  describe: string;
} {
  const format = formatOf(src.data, src.format);
  if (src.testData && formatOf(src.testData, src.format) !== format)
    throw new UsageError('--test-data must have the same format as --data');
  let train: LocalDataset;
  let test: LocalDataset | undefined;
  if (format === 'idx') {
    train = readIdx(src.data, src.labels);
    if (src.testData) test = readIdx(src.testData, src.testLabels, train.numClasses);
  } else {
    const table = readTable(src.data, format);
    const transform = transformFromSummary(summarizeFeatures(table, src.schema));
    train = encodeTable(table, transform);
    if (src.testData) test = encodeTable(readTable(src.testData, format), transform);
  }
  const whole = labelled(train);
  const classes = Math.max(whole.classes, test?.numClasses ?? 0);
  if (test) {
    return {
      train: { ...whole, classes },
      test: { ...labelled(test), classes },
      describe: `${src.data}: ${whole.n} train / ${test.n} test rows, ${whole.features} inputs, ${classes} classes`,
    };
  }
  const rows = Array.from({ length: whole.n }, (_, i) => i);
  const split = {
    train: selectRows(
      whole,
      rows.filter((i) => i % 5 !== 4),
    ),
    test: selectRows(
      whole,
      rows.filter((i) => i % 5 === 4),
    ),
  };
  return {
    ...split,
    describe: `${src.data}: ${split.train.n} train / ${split.test.n} held-out rows (every 5th), ${whole.features} inputs, ${classes} classes`,
  };
}

function labelled(d: LocalDataset): LabelledData {
  if (d.numClasses > 256)
    throw new UsageError(`--data has ${d.numClasses} classes; sim supports at most 256`);
  const features = d.featureShape.reduce((a, b) => a * b, 1);
  return { x: d.x, y: Uint8Array.from(d.y), n: d.n, features, classes: d.numClasses };
}
