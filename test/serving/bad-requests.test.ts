import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@federa/server';
import { type Fixture, ROWS, createFixture, startApp } from './fixture.js';

const TOKENS = {
  admin: 'admin-secret',
  researcher: 'researcher-secret',
  viewer: 'viewer-secret',
  inference: 'inference-secret',
};

describe('bad requests and auth', () => {
  let fx: Fixture;
  let app: Awaited<ReturnType<typeof startApp>>['app'];
  const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });
  const infer = (payload: unknown, headers: Record<string, string> = auth('inference')) =>
    app.inject({ method: 'POST', url: '/v2/models/tiny/infer', payload: payload as object, headers });
  const tensor = (over: Record<string, unknown> = {}) => ({
    inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data: ROWS.flat(), ...over }],
  });
  const expectError = (res: { statusCode: number; json(): unknown }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, retryable: expect.any(Boolean), message: expect.any(String) });
  };

  beforeAll(async () => {
    fx = await createFixture(2);
    ({ app } = await startApp(fx, { maxBodyBytes: 4096 }, [
      { sha256: hashToken(TOKENS.admin), role: 'admin' },
      { token: TOKENS.researcher, role: 'researcher' },
      { token: TOKENS.viewer, role: 'viewer' },
      { token: TOKENS.inference, role: 'inference' },
    ]));
  });
  afterAll(async () => {
    await app.close();
    await fx.close();
  });

  it('shape, dtype and value errors are 400 with a typed code', async () => {
    expectError(await infer(tensor({ shape: [3, 5] })), 400, 'FEDERA_ERR_SERVING_BAD_SHAPE');
    expectError(await infer(tensor({ shape: [4, 4] })), 400, 'FEDERA_ERR_SERVING_BAD_SHAPE');
    expectError(await infer(tensor({ datatype: 'INT32' })), 400, 'FEDERA_ERR_SERVING_BAD_DTYPE');
    expectError(
      await infer(tensor({ data: [...ROWS.flat().slice(1), 'x'] })),
      400,
      'FEDERA_ERR_SERVING_BAD_SHAPE',
    );
    expectError(await infer({ inputs: [] }), 400, 'FEDERA_ERR_SERVING_BAD_REQUEST');
    const tfs = (payload: unknown) =>
      app.inject({
        method: 'POST',
        url: '/v1/models/tiny:predict',
        payload: payload as object,
        headers: auth('inference'),
      });
    expectError(await tfs({ instances: [[1, 2, 3]] }), 400, 'FEDERA_ERR_SERVING_BAD_SHAPE');
    expectError(await tfs({ nothing: true }), 400, 'FEDERA_ERR_SERVING_BAD_REQUEST');
  });

  it('NaN and infinities are rejected', async () => {
    // JSON has no NaN: a client that writes one sends invalid JSON.
    const nan = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny:predict',
      headers: { ...auth('inference'), 'content-type': 'application/json' },
      payload: '{"instances": [[NaN, 1, 2, 3]]}',
    });
    expectError(nan, 400, 'FEDERA_ERR_SERVING_BAD_REQUEST');
    const inf = await app.inject({
      method: 'POST',
      url: '/v1/models/tiny:predict',
      headers: { ...auth('inference'), 'content-type': 'application/json' },
      payload: '{"instances": [[1e999, 1, 2, 3]]}',
    });
    expectError(inf, 400, 'FEDERA_ERR_SERVING_NOT_FINITE');
  });

  it('a `curl -d` body (form-encoded type, JSON text) is read as JSON by the inference routes only', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const post = (url: string, payload: string, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url, payload, headers });
    const predictBody = JSON.stringify({ instances: ROWS });
    const asJson = await post('/v1/models/tiny:predict', predictBody, {
      ...auth('inference'),
      'content-type': 'application/json',
    });
    const asForm = await post('/v1/models/tiny:predict', predictBody, { ...auth('inference'), ...form });
    expect(asForm.statusCode, asForm.body).toBe(200);
    expect(asForm.json()).toEqual(asJson.json());
    const labelled = await post('/v1/models/tiny/labels/stable:predict', predictBody, {
      ...auth('inference'),
      ...form,
    });
    expect(labelled.statusCode).toBe(200);
    const v2 = await post('/v2/models/tiny/infer', JSON.stringify(tensor()), {
      ...auth('inference'),
      ...form,
    });
    expect(v2.statusCode, v2.body).toBe(200);
    // A real form body, prototype keys and a body past the limit: typed errors, as for JSON.
    expectError(
      await post('/v1/models/tiny:predict', 'instances=1&x=2', { ...auth('inference'), ...form }),
      400,
      'FEDERA_ERR_SERVING_BAD_REQUEST',
    );
    for (const key of ['__proto__', 'constructor']) {
      const poisoned = `{"instances": ${JSON.stringify(ROWS)}, "${key}": {"prototype": {"x": 1}}}`;
      expectError(
        await post('/v1/models/tiny:predict', poisoned, { ...auth('inference'), ...form }),
        400,
        'FEDERA_ERR_SERVING_BAD_REQUEST',
      );
    }
    const big = JSON.stringify({ instances: Array.from({ length: 400 }, () => ROWS[0]) });
    expectError(
      await post('/v1/models/tiny:predict', big, { ...auth('inference'), ...form }),
      413,
      'FEDERA_ERR_SERVING_BODY_TOO_LARGE',
    );
    // Still the caller's role that decides, whatever the body's type.
    expectError(await post('/v1/models/tiny:predict', predictBody, form), 401, 'FEDERA_ERR_AUTH_MISSING');
    expectError(
      await post('/v1/models/tiny:predict', predictBody, { ...auth('viewer'), ...form }),
      403,
      'FEDERA_ERR_AUTH_FORBIDDEN',
    );
    // A route that changes state refuses the type: a web page can send it cross-origin unpreflighted.
    expectError(
      await post('/v1/registry/models/tiny/labels/stable/rollback', '{}', { ...auth('admin'), ...form }),
      415,
      'FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA',
    );
  });

  it('an oversized body is 413', async () => {
    const rows = Array.from({ length: 400 }, () => [0.123456, 0.123456, 0.123456, 0.123456]);
    expectError(
      await infer({ inputs: [{ name: 'input', shape: [400, 4], datatype: 'FP32', data: rows.flat() }] }),
      413,
      'FEDERA_ERR_SERVING_BODY_TOO_LARGE',
    );
  });

  it('unknown model, version and label are 404', async () => {
    const h = auth('inference');
    expectError(
      await app.inject({ method: 'POST', url: '/v2/models/nope/infer', payload: tensor(), headers: h }),
      404,
      'FEDERA_ERR_SERVING_MODEL_NOT_FOUND',
    );
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v2/models/tiny/versions/9/infer',
        payload: tensor(),
        headers: h,
      }),
      404,
      'FEDERA_ERR_SERVING_VERSION_NOT_FOUND',
    );
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v1/models/tiny/labels/ghost:predict',
        payload: { instances: ROWS },
        headers: h,
      }),
      404,
      'FEDERA_ERR_SERVING_LABEL_NOT_FOUND',
    );
    expectError(
      await app.inject({ url: '/models/tiny/labels/ghost/model.json', headers: h }),
      404,
      'FEDERA_ERR_SERVING_LABEL_NOT_FOUND',
    );
  });

  it('missing token 401, unknown token 401, wrong role 403; roles gate each route', async () => {
    expectError(await infer(tensor(), {}), 401, 'FEDERA_ERR_AUTH_MISSING');
    expectError(await infer(tensor(), { authorization: 'Bearer nope' }), 401, 'FEDERA_ERR_AUTH_INVALID');
    expectError(await infer(tensor(), auth('viewer')), 403, 'FEDERA_ERR_AUTH_FORBIDDEN');
    expect((await infer(tensor(), auth('admin'))).statusCode).toBe(200);
    const promote = (role: keyof typeof TOKENS) =>
      app.inject({
        method: 'PUT',
        url: '/v1/registry/models/tiny/labels/stable',
        payload: { version: 1 },
        headers: auth(role),
      });
    expectError(await promote('inference'), 403, 'FEDERA_ERR_AUTH_FORBIDDEN');
    expectError(await promote('viewer'), 403, 'FEDERA_ERR_AUTH_FORBIDDEN');
    expect((await promote('researcher')).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/registry/models/tiny', headers: auth('viewer') })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ url: '/v1/registry/models/tiny' })).statusCode).toBe(401);
    // Health probes and CORS preflights carry no token.
    expect((await app.inject('/v2/health/live')).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'OPTIONS', url: '/models/tiny/versions/1/model.json' })).statusCode,
    ).toBe(204);
    // The label moved by the researcher records who did it, as a hash prefix, never the token.
    const label = (
      await app.inject({ url: '/v1/registry/models/tiny/labels/stable', headers: auth('viewer') })
    ).json();
    expect(label.history[0].by).toBe(hashToken(TOKENS.researcher).slice(0, 8));
  });

  it('the server is healthy after all of the above', async () => {
    expect((await app.inject('/v2/health/ready')).statusCode).toBe(200);
    const ok = await infer(tensor());
    expect(ok.statusCode).toBe(200);
    expect(ok.json().outputs[0].shape).toEqual([3, 3]);
  });
});
