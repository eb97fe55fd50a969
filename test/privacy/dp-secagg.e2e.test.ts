import type { ClientEvent, FederaClient } from '@federa/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/**
 * A DP run under SecAgg+ with 4 real clients, run to completion; `onEvent` sees every client event.
 * Returns the coordinator and the finished run.
 */
async function runDpUnderSecAgg(
  id: string,
  dp: Record<string, unknown>,
  rounds: number,
  onEvent: (e: ClientEvent) => void = () => undefined,
) {
  const { server, url } = await startServer({ serving: false });
  const clients: FederaClient[] = [];
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });
  for (const i of [0, 1, 2, 3])
    clients.push((await startClient(url, `${id}${i}`, tinyData(12, i), { runs: [id], onEvent })).client);
  await server.coordinator.createRun({
    settings: {
      id,
      rounds,
      clientsPerRound: 4,
      minClients: 4,
      populationSize: 4,
      batchSize: 4,
      learningRate: 0.5,
      strategy: { name: 'fedavg', dp: { mode: 'client-clipping', expectedClients: 4, ...dp } },
      secureAggregation: {},
    },
    topology: tinyTopology(),
  });
  await server.coordinator.startRun(id);
  await server.coordinator.whenIdle(id);
  const run = await server.coordinator.getRun(id);
  expect(run.status).toBe('completed');
  return { server, run };
}

/** One DP round under SecAgg+; returns the L2 norm of the committed step v1 - v0. */
async function stepNorm(id: string, noiseMultiplier: number, clipNorm: number): Promise<number> {
  const { server, run } = await runDpUnderSecAgg(id, { noiseMultiplier, clipNorm }, 1);
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

/** Two rounds of adaptive clipping under SecAgg+; returns the clip_norm each round's tasks carried. */
async function adaptiveClips(id: string, initialClip: number): Promise<number[]> {
  const clips = new Map<number, number>();
  const adaptive = { initialClip, learningRate: 0.2, targetQuantile: 0.5, countNoiseMultiplier: 0.01 };
  const { server } = await runDpUnderSecAgg(id, { noiseMultiplier: 0, adaptive }, 2, (e) => {
    if (e.type === 'task') clips.set(e.task.round, e.task.hyperparameters.extra['clip_norm']!);
  });
  // Only the count was unmasked: no participant record carries a client's bit or loss.
  for (const r of await server.store.listRounds(id))
    for (const p of r.participants) expect(p.metrics).toEqual({});
  return [clips.get(1)!, clips.get(2)!];
}

describe('adaptive clipping with secure aggregation', () => {
  it('moves the clip by the unclipped count summed inside the mask (Andrew et al. 2021)', async () => {
    // C ← C·exp(−η(b̄ − γ)): with every client unclipped b̄ = 1 and C shrinks by exp(−0.1); with every
    // client clipped b̄ = 0 and C grows by exp(0.1). Count noise σ = 0.005 moves b̄ by about 0.001.
    const [big1, big2] = await adaptiveClips('adsa-big', 1000);
    expect(big1).toBe(1000);
    expect(big2! / big1!).toBeCloseTo(Math.exp(-0.1), 2);
    const [tiny1, tiny2] = await adaptiveClips('adsa-tiny', 1e-6);
    expect(tiny2! / tiny1!).toBeCloseTo(Math.exp(0.1), 2);
  });
});
