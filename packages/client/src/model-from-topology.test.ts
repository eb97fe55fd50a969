import { describe, expect, it } from 'vitest';
import { modelForGivenWeights } from './model-from-topology.js';
import * as tf from './tf.js';

/** Embedding + LSTM (orthogonal recurrent kernel) + BatchNormalization + Conv1D + Dense: every kind of initializer. */
function topology(): string {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6 }),
      tf.layers.conv1d({ filters: 3, kernelSize: 2 }),
      tf.layers.batchNormalization(),
      tf.layers.lstm({ units: 5 }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const json = JSON.stringify(model.toJSON(null, false));
  model.dispose();
  return json;
}

describe('modelForGivenWeights', () => {
  it('builds the same architecture with every weight zero, and predicts the same once weights are set', async () => {
    await tf.setBackend('cpu');
    const json = topology();
    const drawn = await tf.models.modelFromJSON({ modelTopology: JSON.parse(json) });
    const zeroed = await modelForGivenWeights(json);
    try {
      expect(zeroed.weights.map((w) => [w.originalName, w.shape, w.trainable])).toEqual(
        drawn.weights.map((w) => [w.originalName, w.shape, w.trainable]),
      );
      for (const w of zeroed.getWeights()) expect(Array.from(w.dataSync()).every((v) => v === 0)).toBe(true);
      // The drawn model's recurrent kernel is not zero: the zeros come from the override, not the layer.
      expect(drawn.getWeights().some((w) => w.dataSync().some((v) => v !== 0))).toBe(true);
      zeroed.setWeights(drawn.getWeights());
      const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
      const [a, b] = [drawn.predict(x) as tf.Tensor, zeroed.predict(x) as tf.Tensor];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
    } finally {
      drawn.dispose();
      zeroed.dispose();
    }
  });
});
