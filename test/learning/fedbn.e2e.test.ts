// FedBN (Li et al. 2021) as a run setting: `localBatchNorm` keeps every BatchNormalization layer's
// tensors on the clients. Through a real coordinator and real socket.io clients.
import { type TrainingJob, type TrainingResult, trainLocally } from '@federa/client';
import * as tf from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData } from '../helpers/federation.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** 8 features → Dense 6 → BatchNormalization → softmax 3. */
function bnTopology(): unknown {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [8], units: 6, activation: 'relu' }),
      tf.layers.batchNormalization({ name: 'bn', momentum: 0.5 }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }),
    ],
  });
  try {
    return model.toJSON(undefined, false);
  } finally {
    model.dispose();
  }
}

async function federate(localBatchNorm: boolean) {
  const { server, url } = await startServer({ serving: false });
  const jobs: Array<{ job: TrainingJob; result: TrainingResult }> = [];
  const recording = async (job: TrainingJob) => {
    const result = await trainLocally(job);
    jobs.push({ job, result: { ...result, delta: result.delta.map((d) => d.slice()) } });
    return result;
  };
  const { client } = await startClient(url, 'c0', tinyData(24), { runs: ['bn'], trainer: recording });
  cleanup.push(async () => {
    await client.stop();
    await server.close();
  });
  const settings = {
    rounds: 2,
    clientsPerRound: 1,
    minClients: 1,
    localEpochs: 1,
    batchSize: 8,
    learningRate: 0.1,
  };
  await server.coordinator.createRun({
    settings: { ...settings, id: 'bn', localBatchNorm },
    topology: bnTopology(),
  });
  await server.coordinator.startRun('bn');
  await server.coordinator.whenIdle('bn');
  const run = await server.coordinator.getRun('bn');
  expect(run.status).toBe('completed');
  const bn = run.specs.flatMap((s, i) => (s.name.startsWith('bn/') ? [i] : []));
  expect(bn).toHaveLength(4);
  const versions = await Promise.all([0, 1, 2].map((v) => server.store.getWeights('bn', v, run.specs)));
  return { bn, versions, jobs };
}

describe('BatchNormalization in a federation', () => {
  it('by default its weights and moving statistics are aggregated like every other tensor', async () => {
    const { bn, versions } = await federate(false);
    for (const i of bn) expect(versions[2]![i]).not.toEqual(versions[0]![i]);
  });

  it('with localBatchNorm (FedBN) they never leave the client, which trains on from its own', async () => {
    const { bn, versions, jobs } = await federate(true);
    expect(jobs).toHaveLength(2);
    const [first, second] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
    for (const i of bn) {
      // Never aggregated (the client uploaded a zero delta for them): every version keeps the
      // initial BN tensors, while the other tensors move.
      expect(versions[1]![i]).toEqual(versions[0]![i]);
      expect(versions[2]![i]).toEqual(versions[0]![i]);
      // Round 2 trains from what round 1 learned locally for BN, not from the global values.
      const learned = first.job.globalWeights[i]!.map((v, j) => v + first.result.delta[i]![j]!);
      expect(learned).not.toEqual(versions[1]![i]);
      expect(second.job.globalWeights[i]).toEqual(learned);
    }
    expect(versions[2]!.some((w, i) => !bn.includes(i) && w.some((v, j) => v !== versions[0]![i]![j]))).toBe(
      true,
    );
  });
});
