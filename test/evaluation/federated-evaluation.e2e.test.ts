import { type Evaluator, FederaClient, evaluateLocally } from '@federa/client';
import type { EvaluationRecord } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tinyData, tinyTopology } from '../helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function federation(evaluator?: Evaluator) {
  const { server, url } = await startServer();
  const tests = [tinyData(7, 2), tinyData(11, 0), tinyData(16, 1), undefined];
  const clients = await Promise.all(
    tests.map(async (testData, i) => {
      const client = new FederaClient({
        url,
        clientId: `c${i}`,
        runs: ['ev', 'slow'],
        data: tinyData(12, i),
        ...(testData ? { testData } : {}),
        ...(evaluator && i === 0 ? { evaluator } : {}),
      });
      await client.start();
      return client;
    }),
  );
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });
  return { server, url, tests };
}

const settings = { rounds: 2, clientsPerRound: 4, minClients: 4, batchSize: 4, samplingSeed: 'eval' };

// Issue 4: client-side evaluation rounds, examples-weighted, persisted per version and returned by the status API.
describe('federated evaluation', () => {
  it('scores each new version on the sampled clients’ test splits, weighted by examples', async () => {
    const { server, url, tests } = await federation();
    const evaluation = { every: 1, fraction: 1, minClients: 3, timeoutMs: 30_000 };
    await server.coordinator.createRun({
      settings: { ...settings, id: 'ev', evaluation },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('ev');
    await server.coordinator.whenIdle('ev');
    const status = (await (await fetch(`${url}/api/runs/ev`)).json()) as {
      status: string;
      evaluations: EvaluationRecord[];
    };
    expect(status.status).toBe('completed');
    expect(status.evaluations.map((e) => e.version)).toEqual([1, 2]);
    const run = await server.coordinator.getRun('ev');
    for (const record of status.evaluations) {
      expect(record.sampled.sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
      // c3 has no test split: it answers with 0 examples and weighs nothing.
      expect(record.participants.find((p) => p.clientId === 'c3')?.numExamples).toBe(0);
      expect(record.numExamples).toBe(7 + 11 + 16);
      const weights = await server.store.getWeights('ev', record.version, run.specs);
      let loss = 0;
      let accuracy = 0;
      for (const [i, data] of tests.entries()) {
        if (!data) continue;
        const own = await evaluateLocally({
          topologyJson: JSON.stringify(run.topology),
          specs: run.specs,
          weights,
          data,
        });
        expect(record.participants.find((p) => p.clientId === `c${i}`)?.metrics['accuracy']).toBeCloseTo(
          own.metrics['accuracy']!,
          6,
        );
        loss += (own.metrics['loss']! * data.n) / record.numExamples;
        accuracy += (own.metrics['accuracy']! * data.n) / record.numExamples;
      }
      expect(record.metrics['fed_eval_loss']).toBeCloseTo(loss, 5);
      expect(record.metrics['fed_eval_accuracy']).toBeCloseTo(accuracy, 5);
    }
  });

  it('ignores a straggler after its own deadline and training continues', async () => {
    let release = () => {};
    const late: Evaluator = () =>
      new Promise((resolve) => {
        release = () => resolve({ numExamples: 5, metrics: { loss: 9, accuracy: 0 } });
      });
    const { server } = await federation(late);
    cleanup.push(async () => release());
    const evaluation = { every: 2, fraction: 1, minClients: 2, timeoutMs: 300 };
    await server.coordinator.createRun({
      settings: { ...settings, id: 'slow', evaluation },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('slow');
    await server.coordinator.whenIdle('slow');
    expect((await server.coordinator.getRun('slow')).status).toBe('completed');
    const records = await server.coordinator.evaluations.list('slow');
    // every: 2 → only version 2 is evaluated; c0 never answers and is left out.
    expect(records.map((r) => r.version)).toEqual([2]);
    expect(records[0]!.participants.map((p) => p.clientId).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('refuses invalid evaluation settings at run creation', async () => {
    const { server } = await federation();
    const bad = { every: 0, fraction: 0.5, minClients: 1 };
    await expect(
      server.coordinator.createRun({
        settings: { ...settings, id: 'bad', evaluation: bad },
        topology: tinyTopology(),
      }),
    ).rejects.toMatchObject({ code: 'FEDERA_ERR_RUN_CONFIG_INVALID' });
  });
});
