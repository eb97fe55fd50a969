import type { TensorSpec, Weights } from '@federa/core';
import { modelForGivenWeights, setModelWeights } from '@federa/server';
import type { RunRecord, ServerEvaluator } from '@federa/server';
import * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/index.js';

/**
 * Rows predicted per step. The evaluator runs on the coordinator's event loop, so it yields between
 * steps: one step of a large model (the McMahan CNN: about 5 GFLOP for 250 images) blocks for a
 * fraction of a second, where the whole test set at once would stall sockets for seconds.
 */
export const EVALUATION_CHUNK_ROWS = 250;

/** Accuracy and mean cross-entropy of `weights` on held-out data. */
export async function evaluateOn(
  topology: unknown,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
): Promise<{ test_accuracy: number; test_loss: number }> {
  const model = await modelForGivenWeights(topology);
  try {
    return await score(model, specs, weights, data);
  } finally {
    model.dispose();
  }
}

async function score(
  model: tf.LayersModel,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
): Promise<{ test_accuracy: number; test_loss: number }> {
  setModelWeights(model, specs, weights);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < data.n; start += EVALUATION_CHUNK_ROWS) {
    const rows = Math.min(EVALUATION_CHUNK_ROWS, data.n - start);
    const sums = tf.tidy(() => {
      const xs = tf.tensor2d(data.x.subarray(start * data.features, (start + rows) * data.features), [
        rows,
        data.features,
      ]);
      const labels = tf.tensor1d(Int32Array.from(data.y.subarray(start, start + rows)), 'int32');
      const probs = model.predict(xs) as tf.Tensor2D;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32'));
      const ce = tf.sum(tf.metrics.categoricalCrossentropy(tf.oneHot(labels, data.classes), probs));
      return tf.stack([hits, ce]);
    });
    const [hits, ce] = await sums.data();
    sums.dispose();
    correct += hits!;
    lossSum += ce!;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { test_accuracy: correct / data.n, test_loss: lossSum / data.n };
}

/**
 * A server evaluation hook scoring each new global model on `test`, yielding between chunks. The
 * model is built once per topology and given each version's weights.
 */
export function heldOutEvaluator(test: LabelledData): ServerEvaluator {
  let built: { topology: string; model: Promise<tf.LayersModel> } | undefined;
  return async (run: RunRecord, weights: Weights) => {
    const topology = JSON.stringify(run.topology);
    if (built?.topology !== topology) {
      const previous = built?.model;
      built = { topology, model: modelForGivenWeights(run.topology) };
      (await previous)?.dispose();
    }
    return score(await built.model, run.specs, weights, test);
  };
}
