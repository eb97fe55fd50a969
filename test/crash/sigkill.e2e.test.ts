import { FederaClient } from '@federa/client';
import { FederaStore, initTfBackend, initialWeightsFor } from '@federa/server';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { bundleForNode } from '../soak/bundle.mjs';
import { type ChildEvent, CoordinatorProcess } from './coordinator-process.js';
import { lossAndAccuracy } from './evaluate-model.js';

const ROUNDS = 20;
/** Small chunks make every upload a multi-frame stream, so kills land mid-upload. */
const CHUNK_BYTES = 256;
const KINDS = ['boot', 'round-open', 'mid-upload', 'after-commit'] as const;
type KillKind = (typeof KINDS)[number];
const SEED = Number(process.env['CRASH_SEED'] ?? Date.now() % 1_000_000);

/** mulberry32: reproducible kill points from CRASH_SEED (not security-relevant). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const settings = {
  id: 'crashy',
  rounds: ROUNDS,
  clientsPerRound: 3,
  minClients: 2,
  roundTimeoutMs: 8_000,
  batchSize: 4,
  learningRate: 0.1,
};
const clientData = [0, 1, 2].map((i) => tinyData(15 + 3 * i, i));
const heldOut = tinyData(90, 5);

function startClients(url: string): FederaClient[] {
  const clients = clientData.map(
    (data, i) =>
      new FederaClient({
        url,
        clientId: `site-${i}`,
        runs: [settings.id],
        data,
        reconnectDelayMs: 100,
        reconnectDelayMaxMs: 500,
      }),
  );
  for (const c of clients) void c.start().catch(() => undefined);
  return clients;
}

describe(`coordinator killed with SIGKILL at random points (CRASH_SEED=${SEED})`, () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it(`finishes a ${ROUNDS}-round run: versions intact, no round committed twice, loss near an uninterrupted run`, async () => {
    await initTfBackend();
    const random = rng(SEED);
    const topology = tinyTopology();
    const initial = await initialWeightsFor(topology);
    const bundle = await bundleForNode('test/crash/coordinator-child.ts', 'crash-coordinator');
    const dir = await tempDir('federa-crash-');
    cleanup.push(dir.remove);

    // Every kind at least four times, in a seeded order; the first life survives its first commit.
    const plan: KillKind[] = KINDS.flatMap((k) => [k, k, k, k, k]).sort(() => random() - 0.5);
    plan.unshift('after-commit');
    const kills: Array<{ kind: KillKind; round: number }> = [];
    const commits = new Map<number, number>();
    /** `round.attempt` of attempts opened, per life: one seen again in a later life was resumed. */
    const opened = new Map<string, number>();
    let resumed = 0;
    // At most two kills per round, so the kills spread over the run instead of piling onto one round.
    const killsIn = (round: number) => kills.filter((k) => k.round === round).length;
    let clients: FederaClient[] = [];
    cleanup.push(async () => {
      await Promise.all(clients.map((c) => c.stop()));
    });
    let port = 0;
    let completedRounds = 0;
    const timeline: string[] = [];
    for (let life = 0; ; life++) {
      const bornAt = Date.now();
      const proc = await CoordinatorProcess.start(bundle, dir.path, port, CHUNK_BYTES);
      port = Number(new URL(proc.url).port);
      let done = false;
      const finished = new Promise<void>((resolve) => {
        proc.onEvent((e: ChildEvent) => {
          if (e.type === 'round-started') {
            const key = `${e.round}.${e.attempt}`;
            if ((opened.get(key) ?? life) < life) resumed++;
            opened.set(key, Math.min(opened.get(key) ?? life, life));
          }
          if (e.type === 'round-committed') commits.set(e.round, (commits.get(e.round) ?? 0) + 1);
          if (e.type === 'run-updated') completedRounds = e.completedRounds;
          if (e.type === 'run-updated' && e.status === 'completed') {
            done = true;
            resolve();
          }
          if (e.type === 'error') throw new Error(e.message);
        });
      });
      if (life === 0) {
        proc.send({ type: 'create-and-start', input: { settings, topology, initial } });
        clients = startClients(proc.url);
      }
      // A life born into a round that already had its two kills can only die after that round commits
      // (any other point is refused and falls back to after-commit), so a planned boot, round-open or
      // mid-upload kill would be lost (CRASH_SEED=418202 never killed mid-upload): take the next planned
      // after-commit now and keep this kind for a later life.
      if (plan[life] !== 'after-commit' && killsIn(completedRounds + 1) >= 2) {
        const later = plan.findIndex((k, i) => i > life && k === 'after-commit');
        if (later > 0) [plan[life], plan[later]] = [plan[later]!, plan[life]!];
      }
      const kind = plan[life];
      if (kind) {
        armKill(proc, kind, random, {
          allowed: () => killsIn(completedRounds + 1) < 2,
          killed: (actual) => kills.push({ kind: actual, round: completedRounds + 1 }),
        });
      }
      await Promise.race([finished, proc.exited]);
      const last = kills.at(-1);
      timeline.push(`${Date.now() - bornAt}ms:${done ? 'done' : `${last?.kind}@${last?.round}`}`);
      if (done) {
        await proc.close();
        break;
      }
    }

    const store = await FederaStore.open(dir.path);
    cleanup.push(() => store.close());
    const run = (await store.getRun('crashy'))!;
    expect(run.status).toBe('completed');
    const versions = await store.listVersions('crashy');
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: ROUNDS + 1 }, (_, i) => i));
    for (const v of versions) await store.getWeights('crashy', v.version, run.specs); // sha256-verified read
    const rounds = await store.listRounds('crashy');
    expect(rounds.map((r) => [r.round, r.version])).toEqual(
      versions.slice(1).map((v) => [v.version, v.version]),
    );
    for (const n of commits.values()) expect(n).toBe(1);
    expect(kills.length).toBeGreaterThanOrEqual(15);
    expect(new Set(kills.map((k) => k.kind))).toEqual(new Set(KINDS));
    expect(new Set(kills.map((k) => k.round)).size).toBeGreaterThanOrEqual(8);
    for (const round of new Set(kills.map((k) => k.round))) expect(killsIn(round)).toBeLessThanOrEqual(2);
    // Some interrupted attempts continued in the next process with their task ids (not all: expired ones re-run).
    expect(resumed).toBeGreaterThan(0);

    for (const c of clients) await c.stop();
    const crashed = await lossAndAccuracy(
      topology,
      run.specs,
      await store.getWeights('crashy', ROUNDS, run.specs),
      heldOut,
    );
    const reference = await uninterruptedRun(topology, initial);
    const untrained = await lossAndAccuracy(topology, initial.specs, initial.weights, heldOut);
    console.log({ seed: SEED, kills: kills.length, resumed, crashed, reference, untrained });
    console.log(timeline.join(' '));
    expect(reference.loss).toBeLessThan(untrained.loss * 0.8);
    // Rounds disturbed by a kill may commit from 2 of the 3 clients (minClients 2), whose synthetic
    // data covers different classes, so final loss varies more than accuracy: compare both against
    // how far training moved them (the issue's criterion is accuracy within noise).
    expect(Math.abs(crashed.loss - reference.loss)).toBeLessThan(0.2 * untrained.loss);
    expect(Math.abs(crashed.accuracy - reference.accuracy)).toBeLessThanOrEqual(0.1);
  }, 240_000);
});

/**
 * Kill the process at a point of the given kind, if `allowed` then (else at the next commit);
 * `killed` runs first, while its round is still the one in flight.
 */
function armKill(
  proc: CoordinatorProcess,
  kind: KillKind,
  random: () => number,
  hooks: { allowed: () => boolean; killed: (actual: KillKind) => void },
): void {
  let armed = true;
  let refused = false;
  const fire = (actual: KillKind) => {
    if (!armed) return;
    if (!hooks.allowed()) {
      refused = true;
      return;
    }
    armed = false;
    hooks.killed(actual);
    void proc.kill();
  };
  if (kind === 'boot') setTimeout(() => fire('boot'), random() * 400);
  proc.onEvent((e) => {
    if (kind === 'round-open' && e.type === 'round-started')
      setTimeout(() => fire('round-open'), random() * 60);
    if (kind === 'mid-upload' && e.type === 'update-accepted') fire('mid-upload');
    // Also the fallback of a point refused because its round already had its share of kills, and only
    // then: as an unconditional fallback it pre-empted every round-open kill of a life born mid-round.
    if (e.type === 'round-committed' && (kind === 'after-commit' || refused)) fire('after-commit');
  });
}

/** The same run in-process with no crash: the reference for final loss and accuracy. */
async function uninterruptedRun(topology: unknown, initial: Awaited<ReturnType<typeof initialWeightsFor>>) {
  const { server, url } = await startServer({ serving: false, chunkBytes: CHUNK_BYTES });
  const clients = startClients(url);
  try {
    await server.coordinator.createRun({ settings, topology, initial });
    await server.coordinator.startRun('crashy');
    await waitFor(async () => (await server.coordinator.getRun('crashy')).status === 'completed', 120_000);
    const weights = await server.store.getWeights('crashy', ROUNDS, initial.specs);
    return await lossAndAccuracy(topology, initial.specs, weights, heldOut);
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  }
}
