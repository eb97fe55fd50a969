import { PREDICT_BATCH_ROWS } from '@federa/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, ROWS, createFixture, expectClose, startApp } from './fixture.js';

describe('online inference (OIP and TF Serving REST)', () => {
  let fx: Fixture;
  let app: Awaited<ReturnType<typeof startApp>>['app'];

  beforeAll(async () => {
    fx = await createFixture(3);
    ({ app } = await startApp(fx));
  });
  afterAll(async () => {
    await app.close();
    await fx.close();
  });

  it('OIP infer answers like the in-process TF.js model, per version', async () => {
    for (const v of [0, 1, 2]) {
      const res = await app.inject({
        method: 'POST',
        url: `/v2/models/tiny/versions/${v}/infer`,
        payload: {
          id: 'r1',
          inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data: ROWS.flat() }],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ model_name: 'tiny', model_version: String(v), id: 'r1' });
      expect(body.outputs[0]).toMatchObject({ datatype: 'FP32', shape: [3, 3] });
      expectClose(body.outputs[0].data, (await fx.reference(v, ROWS)).flat());
    }
  });

  it('the default route serves the latest version while no stable label is set; nested OIP data works', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v2/models/tiny/infer',
      payload: { inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data: ROWS }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-federa-model-version']).toBe('2');
    expect(res.headers['x-federa-variant']).toBe('stable');
    expectClose(res.json().outputs[0].data, (await fx.reference(2, ROWS)).flat());
  });

  it('TF Serving :predict with instances and with columnar inputs matches, by version and by label', async () => {
    const expected = await fx.reference(1, ROWS);
    const byVersion = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny/versions/1:predict',
      payload: { instances: ROWS },
    });
    expect(byVersion.statusCode, byVersion.body).toBe(200);
    for (const [i, row] of (byVersion.json().predictions as number[][]).entries())
      expectClose(row, expected[i]!);

    await app.serving.registry.setLabel('tiny', 'canary', 1, 'promote');
    const byLabel = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny/labels/canary:predict',
      payload: { inputs: ROWS },
    });
    expect(byLabel.statusCode, byLabel.body).toBe(200);
    expect(byLabel.headers['x-federa-variant']).toBe('canary');
    for (const [i, row] of (byLabel.json().outputs as number[][]).entries()) expectClose(row, expected[i]!);

    const latest = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny:predict',
      payload: { instances: ROWS },
    });
    expect(latest.headers['x-federa-model-version']).toBe('2');
  });

  it('a request of more rows than one predict batch (PREDICT_BATCH_ROWS) answers row for row', async () => {
    const rows = Array.from({ length: PREDICT_BATCH_ROWS + 45 }, (_, r) =>
      ROWS[r % ROWS.length]!.map((v) => v + r / 100),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny/versions/2:predict',
      payload: { instances: rows },
    });
    expect(res.statusCode, res.body).toBe(200);
    const predictions = res.json().predictions as number[][];
    expect(predictions).toHaveLength(rows.length);
    const expected = await fx.reference(2, rows);
    for (const [i, row] of predictions.entries()) expectClose(row, expected[i]!);
  });

  it('OIP model metadata reports the input signature from the topology', async () => {
    const res = await app.inject('/v2/models/tiny');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'tiny',
      versions: ['0', '1', '2'],
      inputs: [{ datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ datatype: 'FP32', shape: [-1, 3] }],
    });
    const status = await app.inject('/v1/models/tiny/versions/2');
    expect(status.json().model_version_status[0]).toMatchObject({ version: '2', state: 'AVAILABLE' });
  });

  it('does not leak tensors across requests', async () => {
    const payload = { instances: ROWS };
    await app.inject({ method: 'POST', url: '/v1/models/tiny:predict', payload });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const res = await app.inject({ method: 'POST', url: '/v1/models/tiny:predict', payload });
      expect(res.statusCode).toBe(200);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('readiness', () => {
  it('a model is not ready while loading and ready after; server readiness follows preload', async () => {
    const fx = await createFixture(2);
    const { app } = await startApp(fx, { preload: false });
    try {
      expect((await app.inject('/v2/health/live')).statusCode).toBe(200);
      expect((await app.inject('/v2/health/ready')).json()).toEqual({ ready: true });
      const notLoaded = await app.inject('/v2/models/tiny/ready');
      expect(notLoaded.statusCode).toBe(503);
      expect(notLoaded.json()).toMatchObject({
        ready: false,
        code: 'FEDERA_ERR_SERVING_NOT_READY',
        retryable: true,
      });

      const loading = app.serving.cache.load('tiny', 1);
      expect(app.serving.cache.state('tiny', 1)).toBe('loading');
      expect((await app.inject('/v2/models/tiny/ready')).json()).toMatchObject({ ready: false });
      await loading;
      const ready = await app.inject('/v2/models/tiny/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ name: 'tiny', version: '1', ready: true });
    } finally {
      await app.close();
      await fx.close();
    }
  });
});
