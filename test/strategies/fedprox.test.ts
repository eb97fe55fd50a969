import { type TrainingJob, initBackend, trainLocally } from '@federa/client';
import { l2Norm, zerosFor } from '@federa/core';
import { initialWeightsFor } from '@federa/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyData, tinyTopology } from '../helpers/federation.js';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

async function job(proximalMu: number, shuffleSeed: string | number = 'fedprox-seed'): Promise<TrainingJob> {
  const topology = tinyTopology();
  const { specs, weights } = await initialWeightsFor(topology);
  // Same initial model every time: the seeded initializers are not what is under test.
  const globalWeights = zerosFor(specs).map((z, i) => z.map((_, j) => 0.3 * Math.sin(i + 0.7 * j)));
  expect(weights.length).toBe(globalWeights.length);
  return {
    topologyJson: JSON.stringify(topology),
    specs,
    globalWeights,
    epochs: 6,
    batchSize: 5,
    learningRate: 0.5,
    proximalMu,
    data: tinyData(40, 1),
    shuffleSeed,
  };
}

// Issue 4, done-when 4: FedProx's proximal term (Li et al. 2020, eq. 2) keeps the local model closer to the global one.
describe('FedProx in the TF.js client trainer', () => {
  it('with the same data and seed, μ > 0 gives a smaller local delta norm than μ = 0', async () => {
    const plain = await trainLocally(await job(0));
    const again = await trainLocally(await job(0));
    const prox = await trainLocally(await job(1));
    // Same seed, same shuffle: local training is reproducible, so the comparison is of μ alone.
    expect(again.delta.map((t) => Array.from(t))).toEqual(plain.delta.map((t) => Array.from(t)));
    expect(l2Norm(plain.delta)).toBeGreaterThan(0);
    expect(l2Norm(prox.delta)).toBeLessThan(0.9 * l2Norm(plain.delta));
  });

  it('the shuffle seed matters: another seed visits batches in another order', async () => {
    const a = await trainLocally(await job(0, 1));
    const b = await trainLocally(await job(0, 2));
    expect(a.delta.map((t) => Array.from(t))).not.toEqual(b.delta.map((t) => Array.from(t)));
  });
});
