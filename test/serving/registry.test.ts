import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, createFixture, startApp, weightsFor } from './fixture.js';

describe('model registry', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture(4);
  });
  afterEach(async () => {
    await fx.close();
  });

  it('promote and one-call rollback over REST, with the label history kept', async () => {
    const { app } = await startApp(fx);
    try {
      const put = (v: number) =>
        app.inject({ method: 'PUT', url: '/v1/registry/models/tiny/labels/stable', payload: { version: v } });
      expect((await put(1)).json()).toMatchObject({ label: 'stable', version: 1, previous: [] });
      expect((await put(3)).json()).toMatchObject({ version: 3, previous: [1] });
      const served = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny:predict',
        payload: { instances: [[1, 2, 3, 4]] },
      });
      expect(served.headers['x-federa-model-version']).toBe('3');
      // The target was loaded and warmed before the move.
      expect(app.serving.cache.state('tiny', 3)).toBe('ready');

      const rolled = await app.inject({
        method: 'POST',
        url: '/v1/registry/models/tiny/labels/stable/rollback',
      });
      expect(rolled.statusCode).toBe(200);
      expect(rolled.json()).toMatchObject({ version: 1, previous: [] });
      expect(
        rolled.json().history.map((h: { version: number; reason: string }) => [h.version, h.reason]),
      ).toEqual([
        [1, 'promote'],
        [3, 'promote'],
        [1, 'rollback'],
      ]);
      const after = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny:predict',
        payload: { instances: [[1, 2, 3, 4]] },
      });
      expect(after.headers['x-federa-model-version']).toBe('1');

      const again = await app.inject({
        method: 'POST',
        url: '/v1/registry/models/tiny/labels/stable/rollback',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('FEDERA_ERR_SERVING_NO_HISTORY');
    } finally {
      await app.close();
    }
  });

  it('labels and traffic policies survive a restart', async () => {
    const first = await startApp(fx);
    await first.app.serving.registry.setLabel('tiny', 'stable', 2, 'promote');
    await first.app.serving.registry.setLabel('tiny', 'canary', 3, 'promote');
    await first.app.serving.registry.setPolicy('tiny', { canary: { label: 'canary', percent: 10 } });
    await first.app.close();
    const second = await startApp(fx);
    try {
      const res = await second.app.inject('/v1/registry/models/tiny');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(
        Object.fromEntries(body.labels.map((l: { label: string; version: number }) => [l.label, l.version])),
      ).toEqual({
        stable: 2,
        canary: 3,
      });
      expect(body.traffic).toEqual({ canary: { label: 'canary', percent: 10 } });
      expect(body.versions).toHaveLength(4);
      // Preload warmed the stable version.
      expect(second.app.serving.cache.state('tiny', 2)).toBe('ready');
    } finally {
      await second.app.close();
    }
  });

  it('rejects bad labels, unknown versions, and moves to versions that fail to load', async () => {
    const { app } = await startApp(fx);
    try {
      const bad = await app.inject({
        method: 'PUT',
        url: '/v1/registry/models/tiny/labels/Bad!',
        payload: { version: 1 },
      });
      expect(bad.statusCode).toBe(400);
      const latest = await app.inject({
        method: 'PUT',
        url: '/v1/registry/models/tiny/labels/latest',
        payload: { version: 1 },
      });
      expect(latest.json().code).toBe('FEDERA_ERR_SERVING_LABEL_INVALID');
      const unknown = await app.inject({
        method: 'PUT',
        url: '/v1/registry/models/tiny/labels/stable',
        payload: { version: 42 },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('FEDERA_ERR_SERVING_VERSION_NOT_FOUND');
      const noModel = await app.inject({
        method: 'PUT',
        url: '/v1/registry/models/nope/labels/stable',
        payload: { version: 1 },
      });
      expect(noModel.json().code).toBe('FEDERA_ERR_SERVING_MODEL_NOT_FOUND');

      // A version whose stored bytes do not match its hash never becomes a label target.
      const corrupt = await fx.commitCorrupt();
      app.serving.registry.invalidate('tiny');
      const move = await app.inject({
        method: 'PUT',
        url: '/v1/registry/models/tiny/labels/stable',
        payload: { version: corrupt.version },
      });
      expect(move.statusCode).toBe(500);
      expect(move.json().code).toBe('FEDERA_ERR_STORE_CORRUPT');
      expect(await app.serving.registry.label('tiny', 'stable')).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('the promotion gate promotes a committed version only when its metric beats stable by the margin', async () => {
    const { app, events } = await startApp(fx, { promotionGate: { metric: 'accuracy', margin: 0.05 } });
    try {
      await app.serving.registry.setLabel('tiny', 'stable', 1, 'promote'); // accuracy 0.51
      const commitAndDecide = async (accuracy: number) => {
        const version = await fx.commit(weightsFor(fx.specs, fx.weights.length), { accuracy });
        const round = (await fx.store.listRounds('tiny')).at(-1)!;
        const decided = once(app.serving.registry, 'gate-decision');
        events.emit('round-committed', { round, version, durationMs: 5 });
        const [decision] = await decided;
        return decision;
      };
      const small = await commitAndDecide(0.54);
      expect(small).toMatchObject({ promoted: false });
      expect((await app.serving.registry.label('tiny', 'stable'))!.version).toBe(1);
      const big = await commitAndDecide(0.6);
      expect(big).toMatchObject({ promoted: true, version: 5 });
      expect((await app.serving.registry.label('tiny', 'stable'))!.version).toBe(5);
      const history = (await app.serving.registry.label('tiny', 'stable'))!.history;
      expect(history.at(-1)).toMatchObject({ reason: 'gate', by: 'promotion-gate', from: 1 });
    } finally {
      await app.close();
    }
  });
});
