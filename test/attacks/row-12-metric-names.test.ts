import { type Trainer, trainLocally } from '@federa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { ATTACK_TARGETS, type AttackTarget } from './targets.js';

// Issue 11 row 12: 20 000 metric keys in one update were stored in the round and version records
// (GET /api/runs/:id answered 557 KB), and prototype names went through plain-object folding
// (`sums['constructor']` is Object itself, so the fold wrote `Object.value`).
const PROTO_METRICS = JSON.parse(
  '{"constructor":1,"toString":2,"hasOwnProperty":3,"valueOf":4,"__proto__":5}',
);
const perRound: Array<Record<string, number>> = [
  Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`m${i}`, i])),
  { 'a b': 1 },
  { ['x'.repeat(65)]: 1 },
  PROTO_METRICS,
];
const rejections: string[] = [];
let round = 0;
const chatty: Trainer = async (job) => {
  const honest = await trainLocally(job);
  return { ...honest, metrics: perRound[round++ % perRound.length]! };
};

describe.each(ATTACK_TARGETS)('row 12: metric names in updates (%s configuration)', (_name, start) => {
  let target: AttackTarget;
  beforeAll(async () => {
    round = 0;
    rejections.length = 0;
    target = await start();
    const runs = ['metrics', 'after'];
    await target.client('site-a', tinyData(12, 0), { runs });
    await target.client('site-b', tinyData(12, 1), { runs });
    await target.client('mallory', tinyData(12, 2), {
      runs,
      trainer: chatty,
      onEvent: (e) => {
        if (e.type === 'rejected') rejections.push(e.error.code);
      },
    });
  });
  afterAll(() => target?.close());

  it('refuses too many, too long and badly named metrics with a typed Error; prototype names are plain names', async () => {
    const settings = { rounds: 4, clientsPerRound: 3, minClients: 2, roundTimeoutMs: 4000 };
    const created = await target.call('researcher', 'POST', '/api/runs', {
      id: 'metrics',
      topology: tinyTopology(),
      settings,
    });
    expect(created.status, created.text).toBe(201);
    await target.call('researcher', 'POST', '/api/runs/metrics/start');
    await waitFor(
      async () => (await target.call('viewer', 'GET', '/api/runs/metrics')).body?.status === 'completed',
      60_000,
    );

    expect(rejections).toEqual([
      'FEDERA_ERR_ROUND_BAD_METRICS',
      'FEDERA_ERR_ROUND_BAD_METRICS',
      'FEDERA_ERR_ROUND_BAD_METRICS',
    ]);
    const run = await target.call('viewer', 'GET', '/api/runs/metrics');
    expect(run.text.length).toBeLessThan(32 * 1024);
    const last = run.body.rounds[3];
    expect(last.participants.map((p: { clientId: string }) => p.clientId)).toContain('mallory');
    // Mallory alone reported them, so the examples-weighted means are its values.
    expect(last.metrics).toMatchObject({ constructor: 1, toString: 2, hasOwnProperty: 3, valueOf: 4 });
    expect(typeof Object.keys).toBe('function');
    expect((Object as unknown as Record<string, unknown>)['value']).toBeUndefined();
    const created2 = await target.call('researcher', 'POST', '/api/runs', {
      id: 'after',
      topology: tinyTopology(),
    });
    expect(created2.status).toBe(201);
  });
});
