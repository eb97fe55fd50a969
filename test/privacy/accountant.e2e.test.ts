import type { Trainer } from '@federa/client';
import { PrivacyAccountant, zerosFor } from '@federa/core';
import type { RoundRecord } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const z = 1.1;
const clip = 0.5;
const population = 12;
const clientsPerRound = 3;
const delta = 1e-4;

/** ε after `steps` rounds, computed independently of the coordinator. */
function epsilonAfter(steps: number): number {
  const acct = new PrivacyAccountant({
    samplingRate: clientsPerRound / population,
    noiseMultiplier: z,
    delta,
  });
  acct.step(steps);
  return acct.epsilon();
}

async function dpRun(rounds: number, epsilonBudget: number | undefined, trainer?: Trainer) {
  const { server, url } = await startServer();
  const clients = await Promise.all(
    [0, 1, 2].map((i) =>
      startClient(url, `c${i}`, tinyData(10 + i, i), { runs: ['dp'], ...(trainer ? { trainer } : {}) }),
    ),
  );
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.client.stop()));
    await server.close();
  });
  const dp = { noiseMultiplier: z, clipNorm: clip, delta, ...(epsilonBudget ? { epsilonBudget } : {}) };
  await server.coordinator.createRun({
    settings: {
      id: 'dp',
      rounds,
      clientsPerRound,
      minClients: clientsPerRound,
      populationSize: population,
      batchSize: 4,
      strategy: { name: 'fedavg', dp },
    },
    topology: tinyTopology(),
  });
  await server.coordinator.startRun('dp');
  await server.coordinator.whenIdle('dp');
  return { server, url };
}

async function statusOf(url: string) {
  const res = await fetch(`${url}/api/runs/dp`);
  return (await res.json()) as {
    status: string;
    completedReason?: string;
    completedRounds: number;
    privacy: { epsilon: number; delta: number; epsilonBudget?: number; accountant: { steps: number } };
    rounds: RoundRecord[];
  };
}

// Issue 4, done-when 3 (end to end): the ε a DP run reports is the accountant's, and a budget stops the run.
describe('privacy accounting in the running federation', () => {
  it('writes the cumulative ε of an independently computed accountant into each round and version', async () => {
    const { server, url } = await dpRun(3, undefined);
    const status = await statusOf(url);
    expect(status.status).toBe('completed');
    expect(status.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    for (const r of status.rounds) {
      expect(r.metrics['epsilon']).toBeCloseTo(epsilonAfter(r.round), 10);
      expect(r.metrics['delta']).toBe(delta);
      const version = await server.store.getVersion('dp', r.version);
      expect(version!.metrics['epsilon']).toBe(r.metrics['epsilon']);
    }
    expect(epsilonAfter(3)).toBeGreaterThan(epsilonAfter(1));
    expect(status.privacy.epsilon).toBeCloseTo(epsilonAfter(3), 10);
    // The persisted accountant continues where the run left off (what a restarted scheduler resumes from).
    const resumed = PrivacyAccountant.fromJSON(status.privacy.accountant as never);
    expect(resumed.steps).toBe(3);
    expect(resumed.epsilon()).toBeCloseTo(epsilonAfter(3), 10);
  });

  it('stops the run before a round that would exceed the ε budget, so ε never exceeds it', async () => {
    const budget = (epsilonAfter(2) + epsilonAfter(3)) / 2;
    const { server, url } = await dpRun(6, budget);
    const status = await statusOf(url);
    expect(status.status).toBe('completed');
    expect(status.completedReason).toBe('epsilon-budget');
    expect(status.completedRounds).toBe(2);
    expect(status.rounds).toHaveLength(2);
    expect(status.privacy.epsilon).toBeLessThanOrEqual(budget);
    expect(status.privacy.epsilonBudget).toBe(budget);
    for (const r of status.rounds) expect(r.metrics['epsilon']!).toBeLessThanOrEqual(budget);
    expect(await server.store.listVersions('dp')).toHaveLength(3);
  });

  it('the committed aggregate carries Gaussian noise of stddev z·C/n', async () => {
    // Clients that do not move: every committed change is the mechanism's noise alone.
    const still: Trainer = async (job) => ({
      delta: zerosFor(job.specs),
      numExamples: job.data.n,
      metrics: {},
    });
    const { server } = await dpRun(4, undefined, still);
    const run = await server.coordinator.getRun('dp');
    const noise: number[] = [];
    let previous = await server.store.getWeights('dp', 0, run.specs);
    for (let v = 1; v <= 4; v++) {
      const next = await server.store.getWeights('dp', v, run.specs);
      next.forEach((t, i) => {
        t.forEach((x, j) => {
          noise.push(x - previous[i]![j]!);
        });
      });
      previous = next;
    }
    const mean = noise.reduce((s, x) => s + x, 0) / noise.length;
    const std = Math.sqrt(noise.reduce((s, x) => s + (x - mean) ** 2, 0) / (noise.length - 1));
    // 300 draws: the sample stddev is within ±20% of σ except with probability < 1e-6.
    expect(std / ((z * clip) / clientsPerRound)).toBeGreaterThan(0.8);
    expect(std / ((z * clip) / clientsPerRound)).toBeLessThan(1.2);
    expect(Math.abs(mean)).toBeLessThan((0.3 * z * clip) / clientsPerRound);
  });

  it('client-clipping mode: clients clip to clip_norm and report dp_unclipped without secure aggregation', async () => {
    const { server, url } = await startServer();
    const clients = await Promise.all(
      [0, 1, 2].map((i) => startClient(url, `k${i}`, tinyData(10, i), { runs: ['cc'] })),
    );
    cleanup.push(async () => {
      await Promise.all(clients.map((c) => c.client.stop()));
      await server.close();
    });
    const tiny = 0.01;
    const dp = { mode: 'client-clipping' as const, noiseMultiplier: 0, clipNorm: tiny, expectedClients: 3 };
    const settings = {
      id: 'cc',
      rounds: 1,
      clientsPerRound: 3,
      minClients: 3,
      populationSize: 3,
      batchSize: 4,
    };
    await server.coordinator.createRun({
      settings: { ...settings, learningRate: 0.5, strategy: { name: 'fedavg', dp } },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('cc');
    await server.coordinator.whenIdle('cc');
    const run = await server.coordinator.getRun('cc');
    const [round] = await server.store.listRounds('cc');
    // Local training moves far more than 0.01, so every client clipped (bit 0) before upload.
    expect(round!.participants.map((p) => p.metrics['dp_unclipped'])).toEqual([0, 0, 0]);
    const before = await server.store.getWeights('cc', 0, run.specs);
    const after = await server.store.getWeights('cc', 1, run.specs);
    let sq = 0;
    after.forEach((t, i) => {
      t.forEach((x, j) => {
        sq += (x - before[i]![j]!) ** 2;
      });
    });
    // Mean of three deltas of norm ≤ C (and z = 0) has norm ≤ C; without client clipping it would be far larger.
    expect(Math.sqrt(sq)).toBeLessThanOrEqual(tiny * 1.0001);
    expect(Math.sqrt(sq)).toBeGreaterThan(tiny / 10);
  });
});
