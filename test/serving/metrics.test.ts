import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftMonitor, psi } from '@federa/server';
import { SYSTEM_TOOLS, skipWithout } from '../helpers/system-tools.js';
import { type Fixture, ROWS, createFixture, startApp } from './fixture.js';

// Skipped with one line naming apt's prometheus unless FEDERA_REQUIRE_PROMTOOL=1 (.ci/run sets it).
const promtool = !skipWithout(SYSTEM_TOOLS.promtool, 'the promtool check of /metrics');

/** Deterministic standard normals (mulberry32 + Box-Muller): test data, not security-relevant. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('metrics', () => {
  let fx: Fixture;
  let app: Awaited<ReturnType<typeof startApp>>['app'];
  let events: Awaited<ReturnType<typeof startApp>>['events'];

  beforeAll(async () => {
    fx = await createFixture(2);
    ({ app, events } = await startApp(fx));
  });
  afterAll(async () => {
    await app.close();
    await fx.close();
  });

  it('exports serving and federation metrics, valid for promtool', async () => {
    for (let i = 0; i < 5; i++) {
      await app.inject({ method: 'POST', url: '/v1/models/tiny:predict', payload: { instances: ROWS } });
    }
    await app.inject({ method: 'POST', url: '/v1/models/tiny:predict', payload: { instances: [[1]] } });
    const run = (await fx.store.getRun('tiny'))!;
    const round = (await fx.store.listRounds('tiny')).at(-1)!;
    const version = (await fx.store.getVersion('tiny', 1))!;
    events.emit('client-connected', { clientId: 'a', runs: ['tiny'] });
    events.emit('client-connected', { clientId: 'b', runs: ['tiny'] });
    events.emit('client-disconnected', { clientId: 'a' });
    events.emit('update-accepted', { runId: 'tiny', round: 1, clientId: 'b' });
    events.emit('update-rejected', { clientId: 'a', code: 'FEDERA_ERR_ROUND_WRONG_VERSION' });
    events.emit('round-committed', { round, version, durationMs: 1500 });
    events.emit('round-failed', { runId: 'tiny', round: 2, attempt: 1, code: 'FEDERA_ERR_ROUND_FAILED' });
    events.emit('run-updated', run);

    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    const has = (pattern: RegExp) => expect(text).toMatch(pattern);
    has(
      /federa_serving_requests_total\{route="tfs_predict",model="tiny",version="1",variant="stable",status="200"\} 5/,
    );
    has(/federa_serving_requests_total\{[^}]*status="400"\} 1/);
    has(/federa_serving_request_duration_seconds_bucket\{le="0.0005",route="tfs_predict"/);
    has(/federa_serving_batch_size_count\{model="tiny",version="1"\} \d+/);
    has(/federa_serving_queue_depth\{model="tiny",version="1"\} 0/);
    has(/federa_clients_connected 1/);
    has(/federa_updates_accepted_total\{run="tiny"\} 1/);
    has(/federa_updates_rejected_total\{code="FEDERA_ERR_ROUND_WRONG_VERSION"\} 1/);
    has(/federa_rounds_committed_total\{run="tiny"\} 1/);
    has(/federa_rounds_failed_total\{run="tiny",code="FEDERA_ERR_ROUND_FAILED"\} 1/);
    has(/federa_round_duration_seconds_sum\{run="tiny"\} 1.5/);

    if (!promtool) return;
    const file = join(fx.dir, 'metrics.txt');
    await writeFile(file, text);
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile('sh', ['-c', `promtool check metrics < "${file}"`], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
      void child;
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  it('input drift: PSI near zero for inputs like the training data, large after a shift', async () => {
    const n = 4;
    app.serving.recordTrainingStats('tiny', 1, {
      mean: Array(n).fill(0),
      variance: Array(n).fill(1),
      count: 10_000,
    });
    const normal = normals(42);
    const send = async (shift: number) => {
      for (let b = 0; b < 20; b++) {
        const instances = Array.from({ length: 50 }, () => Array.from({ length: n }, () => normal() + shift));
        const res = await app.inject({
          method: 'POST',
          url: '/v1/models/tiny:predict',
          payload: { instances },
        });
        expect(res.statusCode).toBe(200);
      }
    };
    await send(0);
    const calm = app.serving.drift.score('tiny');
    expect(calm).toBeLessThan(0.1);
    await send(2);
    const shifted = app.serving.drift.score('tiny');
    expect(shifted).toBeGreaterThan(0.25);
    const text = (await app.inject('/metrics')).body;
    const gauge = Number(/federa_serving_input_drift_psi\{model="tiny"\} ([0-9.e+-]+)/.exec(text)?.[1]);
    expect(gauge).toBeCloseTo(shifted, 6);
  });

  it('training stats survive a restart (aggregates only, in the store)', async () => {
    await app.serving.recordTrainingStats('tiny', 1, {
      mean: [0, 0, 0, 0],
      variance: [1, 1, 1, 1],
      count: 10,
    });
    await app.close();
    ({ app, events } = await startApp(fx));
    expect(app.serving.drift.features('tiny')).toBe(4);
  });
});

describe('PSI', () => {
  it('is zero for identical distributions, positive and symmetric-ish otherwise', () => {
    expect(psi([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 12);
    const a = psi([0.5, 0.5], [0.9, 0.1]);
    expect(a).toBeGreaterThan(0.5);
    expect(psi([0.9, 0.1], [0.5, 0.5])).toBeCloseTo(a, 12);
  });

  it('uses training histograms when given, and ignores inputs of the wrong width', () => {
    const drift = new DriftMonitor();
    drift.recordTrainingStats('m', 0, {
      mean: [0],
      variance: [1],
      count: 100,
      histograms: [{ edges: [0], counts: [50, 50] }],
    });
    drift.observe('m', Float32Array.of(-1, -1, 1, 1), 1);
    expect(drift.score('m')).toBeCloseTo(0, 12);
    drift.observe('m', Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1), 1);
    expect(drift.score('m')).toBeGreaterThan(0.25);
    drift.observe('m', Float32Array.of(1, 2), 2);
    expect(drift.featureScores('m')).toHaveLength(1);
  });
});
