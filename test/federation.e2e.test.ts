import type { Weights } from '@federa/core';
import { trainLocally } from '@federa/client';
import type { FederaClient } from '@federa/client';
import type { FederaServer } from '@federa/server';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { expectWeightsClose, fedAvgOf } from './helpers/weights.js';
import { startClient, startServer, tinyData, tinyTopology } from './helpers/federation.js';

const settings = {
  rounds: 3,
  clientsPerRound: 3,
  minClients: 3,
  roundTimeoutMs: 60_000,
  localEpochs: 2,
  batchSize: 8,
  learningRate: 0.1,
};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function track(server: FederaServer, clients: FederaClient[]) {
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });
}

describe('federation end to end', () => {
  it('commits one version per round equal to the examples-weighted mean of client deltas', async () => {
    // Serving off: its warm-model cache legitimately holds tensors; this test watches the training path.
    const { server, url } = await startServer({ serving: false });
    const deltas = new Map<number, Array<{ delta: Weights; n: number }>>();
    const tensorsAfterRound: number[] = [];
    server.events.on('round-committed', () => tensorsAfterRound.push(tf.memory().numTensors));
    const recordingTrainer = (round: () => number) => async (job: Parameters<typeof trainLocally>[0]) => {
      const result = await trainLocally(job);
      const list = deltas.get(round()) ?? [];
      list.push({ delta: result.delta, n: result.numExamples });
      deltas.set(round(), list);
      return result;
    };
    let currentRound = 0;
    server.events.on('round-started', ({ round }) => {
      currentRound = round;
    });
    const sizes = [12, 30, 21];
    const clients = await Promise.all(
      sizes.map((n, i) =>
        startClient(url, `c${i}`, tinyData(n, i), {
          runs: ['tiny'],
          trainer: recordingTrainer(() => currentRound),
        }),
      ),
    );
    track(
      server,
      clients.map((c) => c.client),
    );
    await server.coordinator.createRun({ settings: { ...settings, id: 'tiny' }, topology: tinyTopology() });
    await server.coordinator.startRun('tiny');
    await server.coordinator.whenIdle('tiny');

    const run = await server.coordinator.getRun('tiny');
    expect(run.status).toBe('completed');
    const versions = await server.store.listVersions('tiny');
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2, 3]);
    for (let round = 1; round <= 3; round++) {
      const prev = await server.store.getWeights('tiny', round - 1, run.specs);
      const next = await server.store.getWeights('tiny', round, run.specs);
      const updates = deltas.get(round)!;
      expect(updates).toHaveLength(3);
      expectWeightsClose(next, fedAvgOf(prev, updates));
      expect(next.some((tensor, t) => tensor.some((v, j) => v !== prev[t]![j]))).toBe(true);
    }
    const rounds = await server.store.listRounds('tiny');
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    for (const r of rounds) {
      expect(r.participants.map((p) => p.clientId).sort()).toEqual(['c0', 'c1', 'c2']);
      expect(r.participants.map((p) => p.numExamples).sort((a, b) => a - b)).toEqual([12, 21, 30]);
      expect(Number.isFinite(r.metrics['train_loss'])).toBe(true);
      expect(versions[r.version]!.metrics['train_loss']).toBe(r.metrics['train_loss']);
    }
    // Training loss falls as the federation learns the separable classes.
    expect(rounds[2]!.metrics['train_loss']!).toBeLessThan(rounds[0]!.metrics['train_loss']!);
    // No tensor leak: the count after the last round equals the count after the first.
    expect(tensorsAfterRound).toHaveLength(3);
    expect(tensorsAfterRound[2]).toBe(tensorsAfterRound[0]);
  });
});

describe('run lifecycle', () => {
  it('starting a run twice at once drives it with one scheduler', async () => {
    const { server, url } = await startServer({ serving: false });
    const clients = await Promise.all(
      ['a', 'b'].map((id, i) => startClient(url, id, tinyData(10, i), { runs: ['twice'] })),
    );
    track(
      server,
      clients.map((c) => c.client),
    );
    const started: number[] = [];
    server.events.on('round-started', ({ round }) => started.push(round));
    await server.coordinator.createRun({
      settings: { id: 'twice', rounds: 2, clientsPerRound: 2, minClients: 2, batchSize: 4 },
      topology: tinyTopology(),
    });
    await Promise.all([server.coordinator.startRun('twice'), server.coordinator.startRun('twice')]);
    await server.coordinator.whenIdle('twice');
    expect((await server.coordinator.getRun('twice')).status).toBe('completed');
    expect(started).toEqual([1, 2]);
  });
});
