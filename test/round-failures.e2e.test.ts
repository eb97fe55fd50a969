import { type FederaClient, type TrainingJob, trainLocally } from '@federa/client';
import type { Weights } from '@federa/core';
import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { expectWeightsClose, fedAvgOf } from './helpers/weights.js';
import { startClient, startServer, tinyData, tinyTopology, waitFor } from './helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
const track = (server: FederaServer, clients: FederaClient[]) =>
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });

describe('stragglers and dropouts', () => {
  it('commits from the others at the deadline; a late update gets ROUND_CLOSED and is not counted', async () => {
    const { server, url } = await startServer();
    const deltas = new Map<string, { delta: Weights; n: number }>();
    const record = (id: string) => async (job: TrainingJob) => {
      const r = await trainLocally(job);
      deltas.set(id, { delta: r.delta, n: r.numExamples });
      return r;
    };
    let releaseLate!: () => void;
    const lateGate = new Promise<void>((resolve) => {
      releaseLate = resolve;
    });
    server.events.on('round-committed', () => releaseLate());
    const lateTrainer = async (job: TrainingJob) => {
      const r = await trainLocally(job);
      await lateGate; // finishes only after the round has closed
      return r;
    };
    const normal = await Promise.all(
      ['a', 'b', 'c'].map((id, i) =>
        startClient(url, id, tinyData(10 + 5 * i, i), { runs: ['r'], trainer: record(id) }),
      ),
    );
    const late = await startClient(url, 'late', tinyData(9), { runs: ['r'], trainer: lateTrainer });
    const killed = await startClient(url, 'killed', tinyData(9), {
      runs: ['r'],
      onEvent: (e) => {
        // Dies as soon as it is sampled, mid-round.
        if (e.type === 'task') void killed.client.stop();
      },
    });
    track(
      server,
      [...normal, late].map((c) => c.client),
    );
    const rejected: string[] = [];
    server.events.on('update-rejected', ({ code }) => rejected.push(code));

    await server.coordinator.createRun({
      settings: { id: 'r', rounds: 1, clientsPerRound: 5, minClients: 3, roundTimeoutMs: 1500, batchSize: 4 },
      topology: tinyTopology(),
    });
    const before = await server.store.getVersion('r', 0);
    await server.coordinator.startRun('r');
    await server.coordinator.whenIdle('r');

    const [round] = await server.store.listRounds('r');
    expect(round!.participants.map((p) => p.clientId).sort()).toEqual(['a', 'b', 'c']);
    expect(round!.dropped.sort()).toEqual(['killed', 'late']);
    await waitFor(() => late.events.some((e) => e.type === 'rejected'));
    const rejection = late.events.find((e) => e.type === 'rejected');
    expect(rejection?.type === 'rejected' && rejection.error.code).toBe('FEDERA_ERR_ROUND_CLOSED');
    expect(rejected).toContain('FEDERA_ERR_ROUND_CLOSED');

    // The committed aggregate is exactly the three on-time updates.
    const run = await server.coordinator.getRun('r');
    const v0 = await server.store.getWeights('r', 0, run.specs);
    const v1 = await server.store.getWeights('r', 1, run.specs);
    expectWeightsClose(
      v1,
      fedAvgOf(
        v0,
        ['a', 'b', 'c'].map((id) => deltas.get(id)!),
      ),
    );
    expect((await server.store.listVersions('r')).map((v) => v.version)).toEqual([0, 1]);
    expect(before?.hash).toBe((await server.store.getVersion('r', 0))?.hash);
  });

  it('retries a round that misses its minimum and commits nothing for the failed attempt', async () => {
    const { server, url } = await startServer();
    const failed: number[] = [];
    server.events.on('round-failed', ({ attempt }) => failed.push(attempt));
    const a = await startClient(url, 'a', tinyData(10), { runs: ['retry'] });
    const dying = await startClient(url, 'dying', tinyData(10), {
      runs: ['retry'],
      onEvent: (e) => {
        if (e.type === 'task') void dying.client.stop();
      },
    });
    const clients = [a.client];
    track(server, clients);
    await server.coordinator.createRun({
      settings: {
        id: 'retry',
        rounds: 1,
        clientsPerRound: 2,
        minClients: 2,
        roundTimeoutMs: 1000,
        batchSize: 4,
      },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('retry');
    await waitFor(() => failed.length === 1);
    expect((await server.store.listVersions('retry')).map((v) => v.version)).toEqual([0]);
    // A replacement joins; attempt 2 succeeds.
    const b = await startClient(url, 'b', tinyData(12, 1), { runs: ['retry'] });
    clients.push(b.client);
    await server.coordinator.whenIdle('retry');
    const [round] = await server.store.listRounds('retry');
    expect(round!.attempts).toBe(2);
    expect(round!.participants.map((p) => p.clientId).sort()).toEqual(['a', 'b']);
    expect((await server.coordinator.getRun('retry')).status).toBe('completed');
  });
});
