import type { TensorSpec, Weights } from '@federa/core';
import * as tf from '../tf.js';
import type { LocalDataset } from '../dataset.js';
import { modelForGivenWeights } from '../model-from-topology.js';

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
  const model = await modelForGivenWeights(job.topologyJson);
  const tensors = job.weights.map((w, i) => tf.tensor(w, [...job.specs[i]!.shape], 'float32'));
  try {
    model.setWeights(tensors);
    const [loss, accuracy] = tf.tidy(() => {
      const xs = tf.tensor(data.x, [data.n, ...data.featureShape], 'float32');
      const labels = tf.tensor1d(Int32Array.from(data.y), 'int32');
      const probs = model.predict(xs, { batchSize: job.batchSize || 256 }) as tf.Tensor2D;
      const ce = tf.mean(tf.metrics.categoricalCrossentropy(tf.oneHot(labels, data.numClasses), probs));
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32'));
      return [ce.dataSync()[0]!, acc.dataSync()[0]!];
    });
    return { numExamples: data.n, metrics: { loss, accuracy } };
  } finally {
    for (const t of tensors) t.dispose();
    model.dispose();
  }
};
