import { type EnvelopeBody, tensorsFromWeights } from '@federa/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { startFleet, syntheticDelta, syntheticExamples } from '../soak/driver/index.js';
import { ackKey, verifySyntheticRun } from '../soak/verify-run.js';

const specs = [{ name: 'w', shape: [20, 10], dtype: 'float32' as const }];
const FLEET = 12;
const LAST = `syn-${FLEET}`; // answers by hand, so the round is still open when the coordinator goes away

/** The exact update synthetic client `index` would send for `task`. */
function syntheticUpdate(
  index: number,
  task: { taskId: string; runId: string; round: number; modelVersion: number },
): EnvelopeBody {
  return {
    kind: 'update',
    update: {
      taskId: task.taskId,
      runId: task.runId,
      round: task.round,
      baseVersion: task.modelVersion,
      numExamples: syntheticExamples(index),
      metrics: {},
      tensors: tensorsFromWeights(specs, syntheticDelta(index, task.round, specs)),
    },
  };
}

describe('a round interrupted by a coordinator restart', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('resumes with the same task ids; updates acknowledged before the restart are re-sent and counted once', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    const first = await startServer({ storePath: dir.path, serving: false });
    const port = Number(new URL(first.url).port);
    const fleet = await startFleet({ url: first.url, count: FLEET, specs, runs: ['resume'] });
    cleanup.push(() => fleet.stop());
    let last = await RawClient.connect(first.url, LAST, ['resume']);
    await first.server.coordinator.createRun({
      settings: {
        id: 'resume',
        rounds: 2,
        clientsPerRound: FLEET + 1,
        minClients: FLEET + 1,
        roundTimeoutMs: 60_000,
      },
      topology: {},
      initial: { specs, weights: [new Float32Array(200)] },
    });
    await first.server.coordinator.startRun('resume');
    const { task } = await last.next('task');
    await waitFor(() => fleet.ackedTaskIds().size === FLEET);
    const ackedBefore = fleet.ackedTaskIds();
    await first.server.close();
    last.close();

    const second = await startServer({ storePath: dir.path, serving: false }, port);
    cleanup.push(() => second.server.close());
    // Reconnected by hand: the same task comes back on hello.
    last = await RawClient.connect(second.url, LAST, ['resume']);
    cleanup.push(() => last.close());
    const again = await last.next('task');
    expect(again.task.taskId).toBe(task.taskId);
    await last.send(syntheticUpdate(FLEET, again.task));
    expect((await last.next('ack')).ack.ref).toBe(task.taskId);
    const round2 = await last.next('task');
    await last.send(syntheticUpdate(FLEET, round2.task));
    await waitFor(async () => (await second.server.coordinator.getRun('resume')).status === 'completed');

    const rounds = await second.server.store.listRounds('resume');
    expect(rounds.map((r) => r.attempts)).toEqual([1, 1]);
    expect(rounds[0]!.participants).toHaveLength(FLEET + 1);
    const check = await verifySyntheticRun(second.server.store, 'resume', specs);
    expect(check.maxError).toBeLessThan(1e-6);
    // Every update acknowledged by the first process is in the committed round 1.
    for (const c of fleet.clients) {
      for (const t of c.acked)
        if (ackedBefore.has(t)) expect(check.counted.has(ackKey(t, c.clientId))).toBe(true);
    }
    expect(check.counted.size).toBe(2 * (FLEET + 1));
  });
});

describe('a client that reconnects mid-round', () => {
  it('gets its open task again, with the same id, and its upload counts', async () => {
    const { server, url } = await startServer({ serving: false });
    const a = await RawClient.connect(url, 'syn-0', ['rejoin']);
    const b = await RawClient.connect(url, 'syn-1', ['rejoin']);
    try {
      await server.coordinator.createRun({
        settings: { id: 'rejoin', rounds: 1, clientsPerRound: 2, minClients: 2, roundTimeoutMs: 60_000 },
        topology: {},
        initial: { specs, weights: [new Float32Array(200)] },
      });
      await server.coordinator.startRun('rejoin');
      const { task } = await a.next('task');
      a.close();
      const a2 = await RawClient.connect(url, 'syn-0', ['rejoin']);
      const again = await a2.next('task');
      expect(again.task.taskId).toBe(task.taskId);
      await a2.send(syntheticUpdate(0, again.task));
      expect((await a2.next('ack')).ack.ref).toBe(task.taskId);
      // A retry of the same upload is refused, never counted twice.
      await a2.send(syntheticUpdate(0, again.task));
      expect(await a2.nextErrorCode()).toBe('FEDERA_ERR_ROUND_DUPLICATE_UPDATE');
      await b.send(syntheticUpdate(1, (await b.next('task')).task));
      await waitFor(async () => (await server.coordinator.getRun('rejoin')).status === 'completed');
      const check = await verifySyntheticRun(server.store, 'rejoin', specs);
      expect([...check.counted].sort()).toEqual(['1:syn-0', '1:syn-1']);
      expect(check.maxError).toBeLessThan(1e-6);
      a2.close();
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });
});
