import type { TensorSpec, Weights } from '@federa/core';
import { modelForGivenWeights, setModelWeights } from '@federa/server';
import type { RunRecord, ServerEvaluator } from '@federa/server';
import * as tf from '@tensorflow/tfjs';
import type { LabelledData } from '../data/index.js';

/**
 * How long one predict step may hold the coordinator's event loop. The evaluator runs there, so it
 * sizes its steps to the model: a step of the McMahan CNN is a few dozen images, one of the 2NN a
 * couple of thousand (one step of 250 rows fixed either stalled the CNN's sockets for 0.4 s or cut
 * the 2NN's test set into eight predicts, twice the time of two).
 */
export const EVALUATION_STEP_MS = 50;
const FIRST_STEP_ROWS = 32;
const MAX_STEP_ROWS = 4096;

/** Rows per predict step, learned from the steps timed so far (kept across a run's versions). */
export class StepPace {
  constructor(public rows = FIRST_STEP_ROWS) {}

  /** Sizes the next step from one that took `ms` for `rows` rows; at most 4× growth per step. */
  observe(rows: number, ms: number): void {
    const fit = Math.floor((rows * EVALUATION_STEP_MS) / Math.max(ms, 1));
    this.rows = Math.max(1, Math.min(MAX_STEP_ROWS, 4 * rows, fit));
  }
}

/** Accuracy and mean cross-entropy of `weights` on held-out data; `onStep` hears each step's rows. */
export async function evaluateOn(
  topology: unknown,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
  pace = new StepPace(),
  onStep?: (rows: number) => void,
): Promise<{ test_accuracy: number; test_loss: number }> {
  const model = await modelForGivenWeights(topology);
  try {
    return await score(model, specs, weights, data, pace, onStep);
  } finally {
    model.dispose();
  }
}

async function score(
  model: tf.LayersModel,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
  pace: StepPace,
  onStep?: (rows: number) => void,
): Promise<{ test_accuracy: number; test_loss: number }> {
  setModelWeights(model, specs, weights);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < data.n; ) {
    const rows = Math.min(pace.rows, data.n - start);
    const began = performance.now();
    const perRow = tf.tidy(() => {
      const xs = tf.tensor2d(data.x.subarray(start * data.features, (start + rows) * data.features), [
        rows,
        data.features,
      ]);
      const labels = tf.tensor1d(Int32Array.from(data.y.subarray(start, start + rows)), 'int32');
      // One batch: predict's default slices into batches of 32 and concatenates (6× slower at 2,000 rows).
      const probs = model.predict(xs, { batchSize: rows }) as tf.Tensor2D;
      const hits = tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32');
      return tf.stack([hits, tf.metrics.categoricalCrossentropy(tf.oneHot(labels, data.classes), probs)]);
    });
    const values = await perRow.data();
    perRow.dispose();
    pace.observe(rows, performance.now() - began);
    // Summed row by row in order, so the loss does not depend on how the rows were stepped.
    for (let r = 0; r < rows; r++) {
      correct += values[r]!;
      lossSum += values[rows + r]!;
    }
    start += rows;
    onStep?.(rows);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { test_accuracy: correct / data.n, test_loss: lossSum / data.n };
}

/**
 * A server evaluation hook scoring each new global model on `test`, yielding between steps. The
 * model is built once per topology and given each version's weights.
 */
export function heldOutEvaluator(test: LabelledData): ServerEvaluator {
  let built: { topology: string; model: Promise<tf.LayersModel>; pace: StepPace } | undefined;
  return async (run: RunRecord, weights: Weights) => {
    const topology = JSON.stringify(run.topology);
    if (built?.topology !== topology) {
      const previous = built?.model;
      built = { topology, model: modelForGivenWeights(run.topology), pace: new StepPace() };
      (await previous)?.dispose();
    }
    return score(await built.model, run.specs, weights, test, built.pace);
  };
}
