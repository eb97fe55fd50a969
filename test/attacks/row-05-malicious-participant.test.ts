import { type Trainer, trainLocally } from '@federa/client';
import { l2Norm } from '@federa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { ATTACK_TARGETS, type AttackTarget } from './targets.js';

// Issue 11 row 5: one enrolled client sending float32-max updates with 10M examples took over FedAvg;
// after round 2 every weight was Infinity, committed and served (infer answered [null, null, null]).
const FLOAT32_MAX = 3.4028234663852886e38;

/** What the attacker claims this round; set by each test before its run starts. */
let claims: number[] = [];
const rejections: string[] = [];
const attacker: Trainer = async (job) => {
  const honest = await trainLocally(job);
  const numExamples = claims.shift() ?? 100_000;
  return { ...honest, numExamples, delta: honest.delta.map((t) => t.map(() => FLOAT32_MAX)) };
};

describe.each(ATTACK_TARGETS)('row 5: a malicious participant (%s configuration)', (_name, start) => {
  let target: AttackTarget;
  beforeAll(async () => {
    target = await start();
    const runs = ['takeover', 'non-finite'];
    await target.client('site-a', tinyData(12, 0), { runs });
    await target.client('site-b', tinyData(12, 1), { runs });
    await target.client('mallory', tinyData(12, 2), {
      runs,
      trainer: attacker,
      onEvent: (e) => {
        if (e.type === 'rejected') rejections.push(e.error.code);
      },
    });
  });
  afterAll(() => target?.close());

  /** Create and start a 3-client run as the researcher; resolves when it has ended. */
  async function runToEnd(id: string, settings: Record<string, unknown>) {
    const base = { rounds: 2, clientsPerRound: 3, minClients: 2, roundTimeoutMs: 4000, maxRoundAttempts: 2 };
    const created = await target.call('researcher', 'POST', '/api/runs', {
      id,
      topology: tinyTopology(),
      settings: { ...base, ...settings },
    });
    expect(created.status, created.text).toBe(201);
    expect((await target.call('researcher', 'POST', `/api/runs/${id}/start`)).status).toBe(200);
    await waitFor(async () => {
      const s = (await target.call('viewer', 'GET', `/api/runs/${id}`)).body?.status;
      return s === 'completed' || s === 'failed';
    }, 60_000);
    return (await target.call('viewer', 'GET', `/api/runs/${id}`)).body;
  }

  async function storedWeights(id: string, version: number) {
    const run = await target.server.coordinator.getRun(id);
    return target.server.store.getWeights(id, version, run.specs);
  }

  it('refuses 10M examples, clips a float32-max update to the norm bound, and serves a finite model', async () => {
    rejections.length = 0;
    claims = [10_000_000, 100_000];
    const run = await runToEnd('takeover', {});
    expect(run.status).toBe('completed');
    expect(rejections).toContain('FEDERA_ERR_ROUND_BAD_EXAMPLES');
    const [r1, r2] = run.rounds;
    expect(r1.participants.map((p: { clientId: string }) => p.clientId).sort()).toEqual(['site-a', 'site-b']);
    expect(r2.participants.map((p: { clientId: string }) => p.clientId)).toContain('mallory');
    // Mallory's claim is at the 100 000 default cap and dominates the weights, but the bound holds.
    const [v1, v2] = [await storedWeights('takeover', 1), await storedWeights('takeover', 2)];
    const step = l2Norm(v2.map((t, i) => t.map((x, j) => x - v1[i]![j]!)));
    expect(step).toBeGreaterThan(50);
    expect(step).toBeLessThanOrEqual(100 * (1 + 1e-5));
    expect(v2.every((t) => t.every(Number.isFinite))).toBe(true);

    const rows = [Array.from({ length: 8 }, (_, i) => i / 8)];
    const infer = await target.call('inference', 'POST', '/v2/models/takeover/infer', {
      inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: rows.flat() }],
    });
    expect(infer.status, infer.text).toBe(200);
    expect(infer.body.model_version).toBe('2');
    const out: unknown[] = infer.body.outputs[0].data;
    expect(out).toHaveLength(3);
    expect(out.every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true);
  });

  it('with the norm bound lifted, a round that would commit Infinity fails typed and commits nothing', async () => {
    claims = [100_000, 100_000, 100_000];
    // minClients 1: from round 2 the honest clients' deltas are NaN (trained on float32-max weights).
    const run = await runToEnd('non-finite', { maxUpdateNorm: 1e300, minClients: 1 });
    expect(run.status).toBe('failed');
    expect(run.currentVersion).toBe(1);
    expect(run.error.message).toContain('FEDERA_ERR_ROUND_NON_FINITE');
    const versions = (await target.call('viewer', 'GET', '/api/runs/non-finite/versions')).body;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([0, 1]);
    expect((await storedWeights('non-finite', 1)).every((t) => t.every(Number.isFinite))).toBe(true);
    // The process keeps serving: a new run can be created.
    const next = await target.call('researcher', 'POST', '/api/runs', {
      id: 'after',
      topology: tinyTopology(),
    });
    expect(next.status).toBe(201);
  });

  it('refuses a run setting that would switch the bounds off', async () => {
    for (const settings of [
      { maxUpdateNorm: 0 },
      { maxExamplesPerClient: 0 },
      { maxUpdateNorm: 'Infinity' },
    ]) {
      const res = await target.call('researcher', 'POST', '/api/runs', {
        id: 'bad',
        topology: tinyTopology(),
        settings,
      });
      expect(res.status, JSON.stringify(settings)).toBe(400);
      expect(res.body.retryable).toBe(false);
    }
  });
});
