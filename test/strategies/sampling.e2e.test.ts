import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederaClient } from '@federa/client';
import type { FederaServer } from '@federa/server';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

/** Every run this file creates; the clients join them all. */
const RUNS = ['frac-a', 'frac-b', 'frac-cap', 'seed-a', 'seed-c'];
let server: FederaServer;
let clients: FederaClient[] = [];
beforeAll(async () => {
  let url: string;
  ({ server, url } = await startServer());
  clients = await Promise.all(
    Array.from(
      { length: 6 },
      async (_, i) => (await startClient(url, `c${i}`, tinyData(6, i), { runs: RUNS })).client,
    ),
  );
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await server?.close();
});

async function sampledPerRound(id: string, extra: Record<string, unknown>): Promise<string[][]> {
  const settings = { id, rounds: 3, clientsPerRound: 5, minClients: 2, batchSize: 3, ...extra };
  await server.coordinator.createRun({ settings, topology: tinyTopology() });
  await server.coordinator.startRun(id);
  await server.coordinator.whenIdle(id);
  expect((await server.coordinator.getRun(id)).status).toBe('completed');
  return (await server.store.listRounds(id)).map((r) => [...r.sampled].sort());
}

describe('client sampling', () => {
  it('clientFraction takes ⌈f · idle⌉ clients (capped by clientsPerRound), reproducibly with a samplingSeed', async () => {
    const a = await sampledPerRound('frac-a', { clientFraction: 0.5, samplingSeed: 's1' });
    const b = await sampledPerRound('frac-b', { clientFraction: 0.5, samplingSeed: 's1' });
    expect(a.map((s) => s.length)).toEqual([3, 3, 3]);
    expect(b).toEqual(a);
    const capped = await sampledPerRound('frac-cap', { clientFraction: 1, samplingSeed: 's1' });
    expect(capped.map((s) => s.length)).toEqual([5, 5, 5]);
  });

  it('a different seed gives a different sequence of samples', async () => {
    const a = await sampledPerRound('seed-a', { clientFraction: 0.5, samplingSeed: 's1' });
    const c = await sampledPerRound('seed-c', { clientFraction: 0.5, samplingSeed: 'another' });
    expect(c).not.toEqual(a);
  });
});
