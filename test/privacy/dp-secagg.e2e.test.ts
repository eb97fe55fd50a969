import type { FederaClient } from '@federa/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** One DP round under SecAgg+; returns the L2 norm of the committed step v1 - v0. */
async function stepNorm(id: string, noiseMultiplier: number, clipNorm: number): Promise<number> {
  const { server, url } = await startServer({ serving: false });
  const clients: FederaClient[] = [];
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });
  for (const i of [0, 1, 2, 3]) clients.push((await startClient(url, `${id}${i}`, tinyData(12, i))).client);
  const dp = { mode: 'client-clipping' as const, noiseMultiplier, clipNorm, expectedClients: 4 };
  await server.coordinator.createRun({
    settings: {
      id,
      rounds: 1,
      clientsPerRound: 4,
      minClients: 3,
      populationSize: 4,
      batchSize: 4,
      learningRate: 0.5,
      strategy: { name: 'fedavg', dp },
      secureAggregation: {},
    },
    topology: tinyTopology(),
  });
  await server.coordinator.startRun(id);
  await server.coordinator.whenIdle(id);
  const run = await server.coordinator.getRun(id);
  expect(run.status).toBe('completed');
  const [round] = await server.store.listRounds(id);
  expect(round!.metrics['epsilon']).toBeGreaterThan(0);
  const before = await server.store.getWeights(id, 0, run.specs);
  const after = await server.store.getWeights(id, 1, run.specs);
  let sq = 0;
  after.forEach((t, i) => {
    t.forEach((x, j) => {
      sq += (x - before[i]![j]!) ** 2;
    });
  });
  return Math.sqrt(sq);
}

describe('differential privacy composed with secure aggregation', () => {
  it('clients clip before masking: with no noise the committed step stays within the clip norm', async () => {
    const clip = 0.01;
    const norm = await stepNorm('dpsa0', 0, clip);
    // The unmasked mean of deltas clipped to C has norm <= C (plus the documented quantization error).
    expect(norm).toBeLessThanOrEqual(clip * 1.01 + 75 * 3e-5);
    expect(norm).toBeGreaterThan(clip / 10);
  });

  it('the DP noise z·C/n is added to the unmasked mean, which the coordinator alone could not know', async () => {
    const clip = 0.01;
    const z = 10;
    const norm = await stepNorm('dpsa1', z, clip);
    // 75 parameters of N(0, (z·C/n)^2) with n = expectedClients = 4: norm ≈ 0.025·√75 ≈ 0.217; the clipped
    // mean adds at most C. Outside [0.5, 1.6]× that has probability < 1e-9 (χ² with 75 degrees).
    const sigma = (z * clip) / 4;
    expect(norm).toBeGreaterThan(0.5 * sigma * Math.sqrt(75) - clip);
    expect(norm).toBeLessThan(1.6 * sigma * Math.sqrt(75) + clip);
  });
});

describe('adaptive clipping with secure aggregation', () => {
  it('is refused at run creation with a typed error, not failed round by round', async () => {
    const { server } = await startServer({ serving: false });
    cleanup.push(() => server.close());
    const dp = {
      mode: 'client-clipping' as const,
      noiseMultiplier: 0.1,
      adaptive: { initialClip: 1 },
      expectedClients: 4,
    };
    await expect(
      server.coordinator.createRun({
        settings: {
          id: 'adaptive-sa',
          clientsPerRound: 4,
          minClients: 3,
          populationSize: 10,
          strategy: { name: 'fedavg', dp },
          secureAggregation: {},
        },
        topology: tinyTopology(),
      }),
    ).rejects.toMatchObject({ code: 'FEDERA_ERR_RUN_CONFIG_INVALID' });
    // The same settings without secure aggregation are valid: the refusal is about the combination.
    await server.coordinator.createRun({
      settings: {
        id: 'adaptive-plain',
        clientsPerRound: 4,
        minClients: 3,
        populationSize: 10,
        strategy: { name: 'fedavg', dp },
      },
      topology: tinyTopology(),
    });
  });
});
