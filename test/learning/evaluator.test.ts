// The coordinator-side held-out evaluator of `federa sim` yields to the event loop between chunks,
// so a long model does not stall the coordinator's sockets while it evaluates (issue 13).
import { EVALUATION_CHUNK_ROWS, evaluateOn, simModel } from '@federa/cli';
import { initBackend } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';

describe('federa sim held-out evaluation', () => {
  it('scores the whole test set in chunks, yielding to the event loop between them', async () => {
    await initBackend({ log: () => {} });
    const { topology, test } = simModel('mnist-cnn', { rows: { train: 1, test: 1000 } });
    const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
    const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
    const weights = model.getWeights().map((t) => t.dataSync() as Float32Array);
    const expected = tf.tidy(() => {
      const probs = model.predict(tf.tensor2d(test.x, [test.n, test.features])) as tf.Tensor2D;
      const labels = tf.tensor1d(Int32Array.from(test.y), 'int32');
      return tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')).dataSync()[0]!;
    });
    model.dispose();
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const scores = await evaluateOn(topology, specs, weights, test);
    ticking = false;
    expect(scores.test_accuracy).toBeCloseTo(expected, 6);
    expect(Number.isFinite(scores.test_loss)).toBe(true);
    expect(ticks).toBeGreaterThanOrEqual(test.n / EVALUATION_CHUNK_ROWS - 1);
  });
});
