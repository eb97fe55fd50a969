// Every `federa sim --model` preset federates end to end on the default backend (wasm), and
// tf.memory().numTensors does not grow from round to round (issue 13, done-when 4).
import { SIM_MODELS, charLstmTopology, loadCharCorpus, runSimulation, simModel } from '@federa/cli';
import { initBackend, trainLocally } from '@federa/client';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('sim presets', () => {
  it('have the parameter counts docs/training.md states (mnist-cnn: McMahan et al. 2017)', async () => {
    await initBackend({ log: () => {} });
    const expected = {
      'mnist-2nn': 199_210,
      'mnist-cnn': 1_663_370,
      'mnist-mobilenet': 4_186,
      'char-lstm': 76_720,
    };
    for (const name of SIM_MODELS) {
      const { topology } = simModel(name, { rows: { train: 1, test: 1 } });
      const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
      expect(model.countParams(), name).toBe(expected[name]);
      model.dispose();
    }
  });

  for (const name of SIM_MODELS) {
    it(`${name}: three rounds commit, test accuracy is reported, numTensors is the same after each`, async () => {
      const tensorsAfterRound: number[] = [];
      const result = await runSimulation({
        clients: 2,
        partition: { kind: 'iid' },
        seed: 1,
        settings: { rounds: 3, localEpochs: 1, batchSize: 10, learningRate: 0.05, minClients: 2 },
        model: { name, rows: { train: 40, test: 20 } },
        log: () => {},
        // Serving off: its cache of warmed versions legitimately holds tensors; this watches training.
        serving: false,
        onRoundCommitted: () => tensorsAfterRound.push(tf.memory().numTensors),
      });
      stops.push(async () => {
        await result.stopClients();
        await result.server.close();
      });
      expect(result.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
      expect(result.finalAccuracy).toBeGreaterThanOrEqual(0);
      expect(tensorsAfterRound).toHaveLength(3);
      expect(new Set(tensorsAfterRound).size, `numTensors after rounds: ${tensorsAfterRound}`).toBe(1);
    });
  }

  it('char-lstm learns: training loss falls well below the unigram entropy of the corpus', async () => {
    await initBackend({ log: () => {} });
    const corpus = loadCharCorpus({ window: 16, stride: 5, trainRows: 300 });
    const topology = charLstmTopology({ vocabulary: corpus.alphabet.length, window: 16, units: 64 });
    const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
    const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
    const globalWeights = model.getWeights().map((t) => t.dataSync() as Float32Array);
    model.dispose();
    const { train } = corpus;
    const result = await trainLocally({
      topologyJson: JSON.stringify(topology),
      specs,
      globalWeights,
      epochs: 15,
      batchSize: 20,
      learningRate: 4,
      proximalMu: 0,
      shuffleSeed: 1,
      data: { x: train.x, y: train.y, n: train.n, featureShape: [16], numClasses: train.classes },
    });
    // Measured: 3.08 nats unigram entropy, about 2.4 after 12 epochs.
    expect(result.metrics.train_loss).toBeLessThan(0.85 * corpus.unigramEntropy);
  });

  it("mnist-mobilenet: BatchNormalization's moving mean and variance are part of the update", async () => {
    await initBackend({ log: () => {} });
    const { topology, train } = simModel('mnist-mobilenet', { rows: { train: 40, test: 1 } });
    const model = await tfl.models.modelFromJSON({ modelTopology: topology as never });
    const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
    const globalWeights = model.getWeights().map((t) => t.dataSync() as Float32Array);
    model.dispose();
    const result = await trainLocally({
      topologyJson: JSON.stringify(topology),
      specs,
      globalWeights,
      epochs: 1,
      batchSize: 10,
      learningRate: 0.1,
      proximalMu: 0,
      data: { x: train.x, y: train.y, n: train.n, featureShape: [784], numClasses: 10 },
    });
    const moving = specs.flatMap((s, i) => (/moving_(mean|variance)/.test(s.name) ? [i] : []));
    expect(moving).toHaveLength(4);
    for (const i of moving)
      expect(
        result.delta[i]!.some((v) => v !== 0),
        specs[i]!.name,
      ).toBe(true);
  });
});
