import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTopology } from '../helpers/federation.js';
import { ATTACK_TARGETS, type AttackTarget, expectStillServing } from './targets.js';

// Issue 11 row 14: these inputs were answered 500 `retryable: true` (an internal error, "try again").
/** A JSON text nested `depth` levels deep (built as text: JSON.stringify would overflow the stack). */
const nestedTopology = (depth: number) =>
  `{"id":"deep","topology":{"class_name":"Sequential","config":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;

describe.each(ATTACK_TARGETS)(
  'row 14: malformed input gets a typed 4xx (%s configuration)',
  (_name, start) => {
    let target: AttackTarget;
    beforeAll(async () => {
      target = await start();
    });
    afterAll(() => target?.close());

    const expectTyped4xx = (
      res: { status: number; body: { code?: string; retryable?: boolean } },
      status: number,
    ) => {
      expect(res.status).toBe(status);
      expect(res.body.code).toMatch(/^FEDERA_ERR_/);
      expect(res.body.retryable).toBe(false);
    };

    it('refuses topology {}, a topology nested 200 000 deep and unbuildable topologies with a 400', async () => {
      expectTyped4xx(
        await target.call('researcher', 'POST', '/api/runs', { id: 'empty', topology: {} }),
        400,
      );
      expectTyped4xx(await target.call('researcher', 'POST', '/api/runs', nestedTopology(200_000)), 400);
      const unknownActivation = JSON.parse(JSON.stringify(tinyTopology()));
      unknownActivation.config.layers[0].config.activation = 'no-such-activation';
      const bad = [
        {
          class_name: 'Sequential',
          config: { layers: [{ class_name: 'Dense', config: { units: 'many' } }] },
        },
        { class_name: 'Sequential', config: { layers: [{ class_name: 'NoSuchLayer', config: {} }] } },
        unknownActivation,
      ];
      for (const [i, topology] of bad.entries()) {
        const res = await target.call('researcher', 'POST', '/api/runs', { id: `bad-${i}`, topology });
        expectTyped4xx(res, 400);
        expect(res.body.code).toBe('FEDERA_ERR_RUN_TOPOLOGY_INVALID');
      }
    });

    it('answers /dashboard/assets/constructor (and other prototype names) with a typed 404', async () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
        expectTyped4xx(await target.call(undefined, 'GET', `/dashboard/assets/${name}`), 404);
      }
      expect((await target.call(undefined, 'GET', '/dashboard/assets/app.js')).status).toBe(200);
    });

    it('keeps serving afterwards: a run is created, inference answers, a client connects', async () => {
      const infer = await expectStillServing(target, 'after', 'fresh');
      expect(infer.body.predictions[0]).toHaveLength(3);
    });
  },
);
