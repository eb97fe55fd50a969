// The coordinator-side held-out evaluator of `federa sim` yields to the event loop between steps sized
// to the model, so a long model does not stall the coordinator's sockets while it evaluates, and its
// scores do not depend on the step sizes (issue 13).
import { StepPace, evaluateOn, simModel } from '@federa/cli';
import { initBackend } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { turnsDuring } from '../helpers/federation.js';

async function randomModel(topology: unknown) {
  const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
  const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
  const weights = model.getWeights().map((t) => t.dataSync() as Float32Array);
  return { model, specs, weights };
}

describe('federa sim held-out evaluation', () => {
  beforeAll(() => initBackend({ log: () => {} }));

  it('scores the whole test set in steps, yielding to the event loop between them', async () => {
    const { topology, test } = simModel('mnist-cnn', { rows: { train: 1, test: 1000 } });
    const { model, specs, weights } = await randomModel(topology);
    const expected = tf.tidy(() => {
      const probs = model.predict(tf.tensor2d(test.x, [test.n, test.features])) as tf.Tensor2D;
      const labels = tf.tensor1d(Int32Array.from(test.y), 'int32');
      return tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')).dataSync()[0]!;
    });
    model.dispose();
    const steps: number[] = [];
    let scores: Awaited<ReturnType<typeof evaluateOn>> | undefined;
    const ticks = await turnsDuring(async () => {
      scores = await evaluateOn(topology, specs, weights, test, new StepPace(), (rows) => steps.push(rows));
    });
    expect(steps.reduce((a, b) => a + b, 0)).toBe(test.n);
    expect(steps.length).toBeGreaterThan(1);
    expect(ticks).toBeGreaterThanOrEqual(steps.length - 1);
    expect(scores!.test_accuracy).toBeCloseTo(expected, 6);
    expect(Number.isFinite(scores!.test_loss)).toBe(true);
  });

  it('gives the same scores, to the bit, however the rows are stepped', async () => {
    const { topology, test } = simModel('mnist-2nn', { rows: { train: 1, test: 1000 } });
    const { model, specs, weights: initial } = await randomModel(topology);
    model.dispose();
    // Biases too (a new model's are 0): the product on new weights adds a bias as a kernel of its
    // own, which rounds unlike XNNPACK's fused bias, so a first step that took it scored differently.
    let seed = 1;
    const uniform = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647 - 0.5) / 10;
    };
    const weights = initial.map((w) => w.map((v) => v + uniform()));
    const small: number[] = [];
    const bySeven = await evaluateOn(topology, specs, weights, test, new StepPace(7), (r) => small.push(r));
    const whole = await evaluateOn(topology, specs, weights, test, new StepPace(1000));
    expect(small[0]).toBe(7);
    expect(whole).toEqual(bySeven);
  });

  it('sizes steps from their time: a step 4× over the budget shrinks 4×, growth is at most 4×', () => {
    const pace = new StepPace(100);
    pace.observe(100, 200);
    expect(pace.rows).toBe(25);
    pace.observe(25, 1);
    expect(pace.rows).toBe(100);
    pace.observe(100, 1e6);
    expect(pace.rows).toBe(1);
  });
});
