// Local training and scoring yield to the event loop while they run, so a client answers the
// coordinator's heartbeats (socket.io drops a peer silent for pingInterval + pingTimeout, 45 s) and a
// browser tab stays live. Before, one epoch of the McMahan CNN on 6,000 digits held the loop for 73 s
// and the coordinator dropped the client mid-task (issue 13).
import { simModel } from '@federa/cli';
import { evaluateLocally, initBackend, trainLocally } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { turnsDuring } from '../helpers/federation.js';

describe('long local work yields to the event loop', () => {
  let job: Parameters<typeof trainLocally>[0];
  let test: ReturnType<typeof simModel>['test'];
  beforeAll(async () => {
    await initBackend({ log: () => {} });
    const preset = simModel('mnist-cnn', { rows: { train: 200, test: 400 } });
    const { topology, train } = preset;
    test = preset.test;
    const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
    const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
    const globalWeights = model.getWeights().map((t) => t.dataSync() as Float32Array);
    model.dispose();
    const data = { x: train.x, y: train.y, n: train.n, featureShape: [784], numClasses: 10 };
    job = {
      topologyJson: JSON.stringify(topology),
      specs,
      globalWeights,
      epochs: 1,
      batchSize: 20,
      learningRate: 0.05,
      proximalMu: 0,
      shuffleSeed: 1,
      data,
    };
  });

  it('trainLocally: the loop turns between minibatches, the result is the same, no tensor is left', async () => {
    const before = tf.memory().numTensors;
    let result: Awaited<ReturnType<typeof trainLocally>> | undefined;
    // 10 CNN minibatches of 20 digits: each one alone outlasts the 50 ms between yields.
    const turns = await turnsDuring(async () => {
      result = await trainLocally(job);
    });
    expect(turns).toBeGreaterThanOrEqual(2);
    const again = await trainLocally(job);
    expect(again.delta).toEqual(result!.delta);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('evaluateLocally: the loop turns between predict steps, and it scores like one predict', async () => {
    const data = { x: test.x, y: test.y, n: test.n, featureShape: [784], numClasses: 10 };
    const evaluation = {
      topologyJson: job.topologyJson,
      specs: job.specs,
      weights: job.globalWeights,
      data,
      batchSize: 50,
    };
    let stepped: Awaited<ReturnType<typeof evaluateLocally>> | undefined;
    const turns = await turnsDuring(async () => {
      stepped = await evaluateLocally(evaluation);
    });
    expect(turns).toBeGreaterThanOrEqual(2);
    const whole = await evaluateLocally({ ...evaluation, batchSize: test.n });
    expect(stepped!.metrics.accuracy).toBe(whole.metrics.accuracy);
    expect(stepped!.metrics.loss).toBeCloseTo(whole.metrics.loss!, 5);
  }, 120_000);
});
