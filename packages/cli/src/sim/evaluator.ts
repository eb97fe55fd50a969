import type { TensorSpec, Weights } from '@federa/core';
import { modelFromTopology, setModelWeights } from '@federa/server';
import type { RunRecord, ServerEvaluator } from '@federa/server';
import * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/index.js';

/** Accuracy and mean cross-entropy of `weights` on held-out data. */
export async function evaluateOn(
  topology: unknown,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
): Promise<{ test_accuracy: number; test_loss: number }> {
  const model = await modelFromTopology(topology);
  try {
    setModelWeights(model, specs, weights);
    const [acc, loss] = tf.tidy(() => {
      const xs = tf.tensor2d(data.x, [data.n, data.features]);
      const labels = tf.tensor1d(Int32Array.from(data.y), 'int32');
      const probs = model.predict(xs, { batchSize: 512 }) as tf.Tensor2D;
      const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32'));
      const ce = tf.metrics.categoricalCrossentropy(tf.oneHot(labels, data.classes), probs).mean();
      return [accuracy.dataSync()[0]!, ce.dataSync()[0]!];
    });
    return { test_accuracy: acc, test_loss: loss };
  } finally {
    model.dispose();
  }
}

/** A server evaluation hook scoring each new global model on `test`. */
export function heldOutEvaluator(test: LabelledData): ServerEvaluator {
  return (run: RunRecord, weights: Weights) => evaluateOn(run.topology, run.specs, weights, test);
}
