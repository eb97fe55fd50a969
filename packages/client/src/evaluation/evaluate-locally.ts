import type { TensorSpec, Weights } from '@federa/core';
import * as tf from '../tf.js';
import type { LocalDataset } from '../dataset.js';
import { modelForGivenWeights } from '../model-from-topology.js';
import { yieldClock } from '../yield.js';

/** Everything a local evaluation of a global model needs. */
export interface EvaluationJob {
  topologyJson: string;
  specs: readonly TensorSpec[];
  weights: Weights;
  data: LocalDataset;
  /** Inference batch size; 0 or absent = 256. */
  batchSize?: number;
}

/** What a local evaluation reports: examples scored, mean `loss` (cross-entropy) and `accuracy`. */
export interface EvaluationOutcome {
  numExamples: number;
  metrics: Record<string, number>;
}

/** Local evaluation; replaceable, the default is {@link evaluateLocally}. */
export type Evaluator = (job: EvaluationJob) => Promise<EvaluationOutcome>;

/**
 * Score a global model on the client's local test split (federated
 * evaluation, McMahan et al. 2017 §3): mean categorical cross-entropy and
 * top-1 accuracy. The data never leaves the device; only these numbers do.
 * Disposes every tensor it creates.
 *
 * @example
 * const { numExamples, metrics } = await evaluateLocally({ topologyJson, specs, weights, data: test });
 * metrics.accuracy; // 0.93
 */
export const evaluateLocally: Evaluator = async (job) => {
  const { data } = job;
  const rowsPerStep = job.batchSize || 256;
  const width = data.x.length / data.n;
  const model = await modelForGivenWeights(job.topologyJson);
  const tensors = job.weights.map((w, i) => tf.tensor(w, [...job.specs[i]!.shape], 'float32'));
  const maybeYield = yieldClock();
  let lossSum = 0;
  let hits = 0;
  try {
    model.setWeights(tensors);
    // One predict batch per step, yielding between steps: a large test set does not block the socket.
    for (let start = 0; start < data.n; start += rowsPerStep) {
      await maybeYield();
      const rows = Math.min(rowsPerStep, data.n - start);
      const perRow = tf.tidy(() => {
        const xs = tf.tensor(data.x.subarray(start * width, (start + rows) * width), [
          rows,
          ...data.featureShape,
        ]);
        const labels = tf.tensor1d(Int32Array.from(data.y.subarray(start, start + rows)), 'int32');
        const probs = model.predict(xs, { batchSize: rows }) as tf.Tensor2D;
        const ce = tf.metrics.categoricalCrossentropy(tf.oneHot(labels, data.numClasses), probs);
        return tf.stack([ce, tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')]);
      });
      const values = perRow.dataSync();
      perRow.dispose();
      for (let r = 0; r < rows; r++) {
        lossSum += values[r]!;
        hits += values[rows + r]!;
      }
    }
    return { numExamples: data.n, metrics: { loss: lossSum / data.n, accuracy: hits / data.n } };
  } finally {
    for (const t of tensors) t.dispose();
    model.dispose();
  }
};
