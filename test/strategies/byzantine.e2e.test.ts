import { type Trainer, trainLocally } from '@federa/client';
import { evaluateLocally } from '@federa/client';
import type { FederaClient } from '@federa/client';
import { type FederaServer, type RunRecord, initialWeightsFor } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

// Issue 4, done-when 2, in miniature: 10 clients, 2 of which send −10× their true delta.
const attackers = new Set(['c0', 'c1']);
let attacking = false;
const heldOut = tinyData(60, 5);

function maybeByzantine(clientId: string): Trainer {
  return async (job) => {
    const honest = await trainLocally(job);
    if (!(attacking && attackers.has(clientId))) return honest;
    return { ...honest, delta: honest.delta.map((t) => t.map((v) => -10 * v)) };
  };
}

/** The six runs `accuracyWith` creates (byz-1 .. byz-6); the clients join them all. */
const RUNS = Array.from({ length: 6 }, (_, i) => `byz-${i + 1}`);
let server: FederaServer;
let clients: FederaClient[] = [];
let initial: Awaited<ReturnType<typeof initialWeightsFor>>;
beforeAll(async () => {
  ({ server } = await startServer());
  // Every run starts from the same model, so runs differ only by strategy and attack.
  initial = await initialWeightsFor(tinyTopology());
  const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  clients = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const id = `c${i}`;
      return (await startClient(url, id, tinyData(15, i), { runs: RUNS, trainer: maybeByzantine(id) }))
        .client;
    }),
  );
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await server?.close();
});

let runs = 0;
/** Train a fresh run with `strategy` and return its final accuracy on held-out data. */
async function accuracyWith(strategy: Record<string, unknown> & { name: string }, attack: boolean) {
  attacking = attack;
  const id = `byz-${++runs}`;
  const settings = {
    id,
    strategy,
    rounds: 6,
    clientsPerRound: 10,
    minClients: 10,
    localEpochs: 2,
    batchSize: 5,
    learningRate: 0.3,
    samplingSeed: 'byz',
  };
  await server.coordinator.createRun({ settings, topology: tinyTopology(), initial });
  await server.coordinator.startRun(id);
  await server.coordinator.whenIdle(id);
  const run: RunRecord = await server.coordinator.getRun(id);
  expect(run.status).toBe('completed');
  const weights = await server.store.getWeights(id, run.currentVersion, run.specs);
  const topologyJson = JSON.stringify(run.topology);
  const { metrics } = await evaluateLocally({ topologyJson, specs: run.specs, weights, data: heldOut });
  return metrics['accuracy']!;
}

describe('Byzantine robustness end to end (tiny model, synthetic data)', () => {
  it('sign-flipped 10× updates wreck FedAvg; median, trimmed mean, Krum and Bulyan stay near the clean run', async () => {
    const clean = await accuracyWith({ name: 'fedavg' }, false);
    const attacked = {
      fedavg: await accuracyWith({ name: 'fedavg' }, true),
      fedmedian: await accuracyWith({ name: 'fedmedian' }, true),
      fedtrimmedavg: await accuracyWith({ name: 'fedtrimmedavg', beta: 0.2 }, true),
      krum: await accuracyWith({ name: 'krum', f: 2 }, true),
      // Bulyan needs n ≥ 4f + 3, so f = 1 is the most 10 clients allow.
      bulyan: await accuracyWith({ name: 'bulyan', f: 1 }, true),
    };
    expect(clean).toBeGreaterThan(0.9);
    expect(attacked.fedavg).toBeLessThan(clean - 0.3);
    for (const robust of ['fedmedian', 'fedtrimmedavg', 'krum', 'bulyan'] as const) {
      expect(attacked[robust], robust).toBeGreaterThan(clean - 0.1);
    }
  });
});
