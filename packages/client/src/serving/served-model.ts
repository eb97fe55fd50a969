import {
  PREDICT_BATCH_ROWS,
  type RawCell,
  type TabularTransform,
  ownValue,
  parseTabularTransform,
  tabularEncoder,
} from '@federa/core';
import { dataErrors } from '../data/errors.js';
import * as tf from '../tf.js';
import { packOnFirstUse } from '../kernels/batch-matmul.js';

/** Options of {@link loadServedModel}. */
export interface LoadServedModelOptions {
  /** Bearer token with a serving read role (`inference`, `viewer` or `researcher`) when auth is on. */
  token?: string;
  /** fetch to use; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
}

/** A coordinator-served model running on this device: no request leaves it once loaded. */
export interface ServedModel {
  /** The version the label pointed at when loaded, and its weights hash (from model.json). */
  readonly version: number | undefined;
  readonly hash: string | undefined;
  /** The run's tabular transform when it has one (from model.json): the preprocessing of the model. */
  readonly transform: TabularTransform | undefined;
  /** Class probabilities for `n` rows of `x` (row-major, the model's input width each). */
  predict(x: Float32Array, n: number): Float32Array[];
  /**
   * Class probabilities for raw rows by column name (`{ age: 54, sex: 'F' }`), encoded with the
   * transform exactly as the coordinator's serving routes and the training clients encode them.
   */
  predictRows(rows: readonly Readonly<Record<string, RawCell>>[]): Float32Array[];
  /** Free the model's tensors. */
  dispose(): void;
}

/**
 * Load a run's served TF.js model (`/models/{run}/labels/{label}/model.json`, or a version URL)
 * and predict on the device: edge inference with the coordinator out of the request path.
 *
 * @example
 * const model = await loadServedModel(`${url}/models/hospitals/labels/latest/model.json`);
 * const [probabilities] = model.predict(encodedRow, 1);
 */
export async function loadServedModel(url: string, opts: LoadServedModelOptions = {}): Promise<ServedModel> {
  const handler = tf.io.http(url, {
    ...(opts.token ? { requestInit: { headers: { authorization: `Bearer ${opts.token}` } } } : {}),
    ...(opts.fetch ? { fetchFunc: opts.fetch } : {}),
  });
  const model = await tf.loadLayersModel(handler);
  // Packed once for every predict, so the first gives the same bits as the next (see packOnFirstUse).
  packOnFirstUse(model.weights.map((w) => w.read()));
  const meta = (
    model.getUserDefinedMetadata() as { federa?: { version?: number; hash?: string; transform?: unknown } }
  )?.federa;
  const width = (model.inputs[0]?.shape ?? []).slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  const notNumeric = (detail: string) => dataErrors.create('FEDERA_ERR_DATA_NOT_NUMERIC', detail);
  const transform = meta?.transform
    ? parseTabularTransform(meta.transform, (d) => dataErrors.create('FEDERA_ERR_DATA_MALFORMED', d))
    : undefined;
  const encoder = transform ? tabularEncoder(transform, notNumeric) : undefined;
  const served: ServedModel = {
    version: meta?.version,
    hash: meta?.hash,
    transform,
    predictRows(rows) {
      if (!encoder)
        throw dataErrors.create('FEDERA_ERR_DATA_MALFORMED', 'this model has no tabular transform');
      const x = new Float32Array(rows.length * encoder.width);
      rows.forEach((row, r) => {
        encoder.encodeRow((name) => ownValue(row, name), x, r * encoder.width, r);
      });
      return served.predict(x, rows.length);
    },
    predict(x, n) {
      if (x.length !== n * width) throw new TypeError(`x has ${x.length} values, expected ${n} × ${width}`);
      // Copy inside tidy: a backend may hand out a view of memory that disposal frees.
      return tf.tidy(() => {
        const out = (
          model.predict(tf.tensor2d(x, [n, width]), { batchSize: PREDICT_BATCH_ROWS }) as tf.Tensor
        ).dataSync();
        const classes = out.length / n;
        return Array.from({ length: n }, (_, i) => out.slice(i * classes, (i + 1) * classes) as Float32Array);
      });
    },
    dispose: () => model.dispose(),
  };
  return served;
}
