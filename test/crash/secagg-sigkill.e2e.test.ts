import { type ClientEvent, FederaClient } from '@federa/client';
import { FederaStore, initTfBackend } from '@federa/server';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, tinyData, tinyTopology } from '../helpers/federation.js';
import { bundleForNode } from '../soak/bundle.mjs';
import { type ChildEvent, CoordinatorProcess } from './coordinator-process.js';

const ROUNDS = 5;
const KILLS = 4;
const settings = {
  id: 'sa-crashy',
  rounds: ROUNDS,
  clientsPerRound: 4,
  minClients: 3,
  roundTimeoutMs: 20_000,
  batchSize: 4,
  secureAggregation: { stageTimeoutMs: 4_000 },
};

describe('coordinator killed with SIGKILL in the middle of secure aggregation', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('re-runs each interrupted SecAgg+ attempt under a new attempt number and finishes the run', async () => {
    await initTfBackend();
    const bundle = await bundleForNode('test/crash/coordinator-child.ts', 'crash-coordinator');
    const dir = await tempDir('federa-crash-secagg-');
    cleanup.push(dir.remove);
    /** Kill at the first client that reaches this SecAgg+ stage; cycles through the mid-protocol stages. */
    const stages = ['shared', 'masked', 'shared', 'masked'];
    let onStage: (stage: string) => void = () => undefined;
    const clientsOf = (url: string) =>
      [0, 1, 2, 3].map(
        (i) =>
          new FederaClient({
            url,
            clientId: `sa-${i}`,
            runs: [settings.id],
            data: tinyData(12 + 3 * i, i),
            reconnectDelayMs: 100,
            reconnectDelayMaxMs: 500,
            onEvent: (e: ClientEvent) => {
              if (e.type === 'secagg') onStage(e.stage);
            },
          }),
      );
    let clients: FederaClient[] = [];
    cleanup.push(async () => {
      await Promise.all(clients.map((c) => c.stop()));
    });
    const killedRounds: number[] = [];
    const opened = new Set<string>();
    let reopened = 0;
    let completedRounds = 0;
    let port = 0;
    for (let life = 0; ; life++) {
      const proc = await CoordinatorProcess.start(bundle, dir.path, port, 64 * 1024);
      port = Number(new URL(proc.url).port);
      let done = false;
      const finished = new Promise<void>((resolve) => {
        proc.onEvent((e: ChildEvent) => {
          if (e.type === 'round-started') {
            if (opened.has(`${e.round}.${e.attempt}`)) reopened++;
            opened.add(`${e.round}.${e.attempt}`);
          }
          if (e.type === 'run-updated') completedRounds = e.completedRounds;
          if (e.type === 'run-updated' && e.status === 'completed') {
            done = true;
            resolve();
          }
        });
      });
      if (life === 0) {
        proc.send({ type: 'create-and-start', input: { settings, topology: tinyTopology() } });
        clients = clientsOf(proc.url);
        for (const c of clients) void c.start().catch(() => undefined);
      }
      const stage = stages[life];
      onStage = (s) => {
        if (s !== stage || killedRounds.length > life) return;
        killedRounds.push(completedRounds + 1);
        void proc.kill();
      };
      await Promise.race([finished, proc.exited]);
      onStage = () => undefined;
      if (done) {
        await proc.close();
        break;
      }
    }

    const store = await FederaStore.open(dir.path);
    cleanup.push(() => store.close());
    const run = (await store.getRun('sa-crashy'))!;
    expect(run.status).toBe('completed');
    const versions = await store.listVersions('sa-crashy');
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const v of versions) await store.getWeights('sa-crashy', v.version, run.specs);
    const rounds = await store.listRounds('sa-crashy');
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    expect(killedRounds).toHaveLength(KILLS);
    // Never continued across a restart (keys were in memory): each killed attempt was followed by a new one.
    expect(reopened).toBe(0);
    for (const round of new Set(killedRounds)) {
      const kills = killedRounds.filter((r) => r === round).length;
      expect(rounds[round - 1]!.attempts).toBeGreaterThanOrEqual(kills + 1);
    }
    for (const r of rounds) expect(r.participants.length).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
