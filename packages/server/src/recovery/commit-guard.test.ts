import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFederaError } from '@federa/core';
import { hashWeights } from '@federa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeRunSettings } from '../runs/run-settings.js';
import type { RunRecord } from '../runs/run-types.js';
import { type RoundCommit, FederaStore } from '../store/store.js';

const specs = [{ name: 'w', shape: [3], dtype: 'float32' as const }];
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function storeWithRun(): Promise<{ store: FederaStore; run: RunRecord }> {
  const dir = await mkdtemp(join(tmpdir(), 'federa-guard-'));
  const store = await FederaStore.open(dir);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  cleanup.push(() => store.close());
  const run: RunRecord = {
    settings: normalizeRunSettings({ id: 'g', rounds: 5 }),
    topology: {},
    specs,
    status: 'running',
    completedRounds: 0,
    currentVersion: 0,
    createdAt: 0,
    updatedAt: 0,
  };
  const w0 = [new Float32Array(3)];
  const v0 = {
    runId: 'g',
    version: 0,
    round: 0,
    hash: await hashWeights(specs, w0),
    createdAt: 0,
    numParams: 3,
    metrics: {},
  };
  await store.createRun(run, v0, w0);
  return { store, run };
}

async function commitFor(run: RunRecord, round: number, value: number): Promise<RoundCommit> {
  const weights = [new Float32Array([value, value, value])];
  const version = {
    runId: 'g',
    version: round,
    round,
    hash: await hashWeights(specs, weights),
    createdAt: 0,
    numParams: 3,
    metrics: {},
  };
  const record = {
    runId: 'g',
    round,
    attempts: 1,
    baseVersion: round - 1,
    version: round,
    sampled: [],
    participants: [],
    dropped: [],
    metrics: {},
    startedAt: 0,
    endedAt: 0,
  };
  return {
    run: { ...run, completedRounds: round, currentVersion: round },
    version,
    weights,
    round: record,
    strategyState: {},
  };
}

const conflict = (err: unknown) => isFederaError(err) && err.code === 'FEDERA_ERR_STORE_ROUND_CONFLICT';

describe('commitRound refuses anything but the next round', () => {
  it('commits round 1, then refuses round 1 again and leaves version 1 untouched', async () => {
    const { store, run } = await storeWithRun();
    await store.commitRound(await commitFor(run, 1, 1));
    await expect(store.commitRound(await commitFor(run, 1, 9))).rejects.toSatisfy(conflict);
    const [w] = await store.getWeights('g', 1, specs);
    expect([...w!]).toEqual([1, 1, 1]);
    expect((await store.listRounds('g')).map((r) => r.round)).toEqual([1]);
  });

  it('refuses a round that skips ahead', async () => {
    const { store, run } = await storeWithRun();
    await expect(store.commitRound(await commitFor(run, 2, 2))).rejects.toSatisfy(conflict);
    expect(await store.listVersions('g')).toHaveLength(1);
  });

  it('lets exactly one of two concurrent commits of the same round through', async () => {
    const { store, run } = await storeWithRun();
    const results = await Promise.allSettled([
      store.commitRound(await commitFor(run, 1, 1)),
      store.commitRound(await commitFor(run, 1, 2)),
      store.commitRound(await commitFor(run, 1, 3)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && conflict(r.reason))).toHaveLength(2);
    expect((await store.getRun('g'))?.completedRounds).toBe(1);
  });

  it('refuses a commit after the run completed', async () => {
    const { store, run } = await storeWithRun();
    await store.putRun({ ...run, status: 'completed' });
    await expect(store.commitRound(await commitFor(run, 1, 1))).rejects.toSatisfy(conflict);
  });
});
