import type { LocalDataset } from '@federa/client';
import type { TensorSpec, Weights } from '@federa/core';
import { modelFromTopology, setModelWeights } from '@federa/server';
import * as tf from '@tensorflow/tfjs';

/** Cross-entropy loss and accuracy of a classifier's weights on labelled data. */
export async function lossAndAccuracy(
  topology: unknown,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LocalDataset,
): Promise<{ loss: number; accuracy: number }> {
  const model = await modelFromTopology(topology);
  setModelWeights(model, specs, weights);
  const x = tf.tensor2d(data.x, [data.n, data.featureShape[0]!]);
  const probs = model.predict(x) as tf.Tensor2D;
  const rows = (await probs.array()) as number[][];
  tf.dispose([x, probs]);
  model.dispose();
  let loss = 0;
  let correct = 0;
  rows.forEach((p, i) => {
    const label = data.y[i]!;
    loss -= Math.log(Math.max(p[label]!, 1e-7));
    if (p.indexOf(Math.max(...p)) === label) correct++;
  });
  return { loss: loss / data.n, accuracy: correct / data.n };
}
