import { afterAll, describe, expect, it } from 'vitest';
import { startServer, waitFor } from '../helpers/federation.js';
import { startFleet } from './driver/index.js';
import { ackKey, verifySyntheticRun } from './verify-run.js';

const CLIENTS = 100;
const ROUNDS = 5;
const specs = [
  { name: 'w', shape: [100, 100], dtype: 'float32' as const },
  { name: 'b', shape: [100], dtype: 'float32' as const },
];

describe(`small soak: ${CLIENTS} synthetic clients × ${ROUNDS} rounds`, () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('counts every acknowledged update exactly once in an aggregate equal to the expected weighted mean', async () => {
    const { server, url } = await startServer({ serving: false });
    cleanup.push(() => server.close());
    const fleet = await startFleet({ url, count: CLIENTS, specs, runs: ['soak'] });
    cleanup.push(() => fleet.stop());
    await server.coordinator.createRun({
      settings: {
        id: 'soak',
        rounds: ROUNDS,
        clientsPerRound: CLIENTS,
        minClients: CLIENTS,
        roundTimeoutMs: 60_000,
      },
      topology: {},
      initial: { specs, weights: specs.map((s) => new Float32Array(s.shape.reduce((a, b) => a * b, 1))) },
    });
    await server.coordinator.startRun('soak');
    await waitFor(async () => (await server.coordinator.getRun('soak')).status === 'completed', 60_000);

    const check = await verifySyntheticRun(server.store, 'soak', specs);
    expect(check.rounds).toBe(ROUNDS);
    expect(check.maxError).toBeLessThan(1e-6);
    const acked = fleet.clients.flatMap((c) => [...c.acked].map((t) => ackKey(t, c.clientId)));
    expect(acked).toHaveLength(CLIENTS * ROUNDS);
    expect(new Set(acked)).toEqual(check.counted);
    expect(fleet.errorCounts()).toEqual({});
  });
});
