import {
  type DeviceKey,
  featureStatsSigningInput,
  generateDeviceKey,
  signWithDeviceKey,
  toBase64,
} from '@federa/client';
import { type FederaServer, initTfBackend } from '@federa/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';
import { api } from '../trust/admin-api.js';

const TOKENS = {
  admin: 'dash-admin-token',
  researcher: 'dash-researcher-token',
  viewer: 'dash-viewer-token',
  inference: 'dash-inference-token',
  client: 'dash-client-token',
} as const;
type Role = keyof typeof TOKENS;
const tokens = (Object.keys(TOKENS) as Role[]).map((role) => ({ token: TOKENS[role], role }));

const summary = (rows: number) => ({
  rows,
  numeric: { f1: { count: rows, sum: rows, sumSq: 2 * rows } },
  categorical: { c: { x: rows } },
  labels: { '0': rows },
});

let server: FederaServer | undefined;
beforeAll(() => initTfBackend(() => {}));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: { auth: boolean; identity?: boolean }): Promise<string> {
  const started = await startServer({
    serving: false,
    ...(opts.auth ? { tokens } : {}),
    ...(opts.identity ? { identity: { required: true, enrolPerMinute: 100 } } : {}),
  });
  server = started.server;
  await server.coordinator.createRun({
    settings: { id: 'stats', rounds: 1, clientsPerRound: 2, minClients: 2 },
    topology: tinyTopology(),
  });
  return started.url;
}

/** Open the SSE stream with fetch (as the page does): status, and the first event when it is 200. */
async function openStream(url: string, role?: Role) {
  const controller = new AbortController();
  const res = await fetch(`${url}/dashboard/events`, {
    headers: role ? { authorization: `Bearer ${TOKENS[role]}` } : {},
    signal: controller.signal,
  });
  if (res.status !== 200) {
    return { status: res.status, code: ((await res.json()) as { code: string }).code, event: undefined };
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
  controller.abort();
  return {
    status: 200,
    code: undefined,
    type: res.headers.get('content-type'),
    event: text.split('\n\n')[0],
  };
}

describe('dashboard live stream with auth on', () => {
  it('needs a viewer, researcher or admin token in the Authorization header', async () => {
    const url = await start({ auth: true });
    expect(await openStream(url)).toMatchObject({ status: 401, code: 'FEDERA_ERR_AUTH_MISSING' });
    const wrong = await fetch(`${url}/dashboard/events`, { headers: { authorization: 'Bearer nope' } });
    expect([wrong.status, ((await wrong.json()) as { code: string }).code]).toEqual([
      401,
      'FEDERA_ERR_AUTH_INVALID',
    ]);
    for (const role of ['inference', 'client'] as const) {
      expect(await openStream(url, role), role).toMatchObject({
        status: 403,
        code: 'FEDERA_ERR_AUTH_FORBIDDEN',
      });
    }
    for (const role of ['viewer', 'researcher', 'admin'] as const) {
      const opened = await openStream(url, role);
      expect(opened.status, role).toBe(200);
      expect(opened.type).toMatch(/^text\/event-stream/);
      expect(opened.event).toBe('event: hello\ndata: {"clients":[]}');
    }
  });

  it('guards the connected-clients list the same way; page, assets and /healthz stay open', async () => {
    const url = await start({ auth: true });
    expect((await api(url)('GET', '/dashboard/clients')).status).toBe(401);
    expect((await api(url, TOKENS.inference)('GET', '/dashboard/clients')).status).toBe(403);
    expect(await api(url, TOKENS.viewer)('GET', '/dashboard/clients')).toEqual({
      status: 200,
      body: { clients: [] },
    });
    for (const path of ['/dashboard/', '/dashboard/assets/app.js', '/healthz']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
    }
  });
});

describe('feature statistics with auth on', () => {
  it('reporting needs a client (data holder) token; reading the sum a client, viewer or researcher one', async () => {
    const url = await start({ auth: true });
    const path = '/api/runs/stats/feature-stats';
    const body = { clientId: 'site-a', summary: summary(3) };
    expect(await api(url)('POST', path, body)).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_AUTH_MISSING' },
    });
    for (const role of ['viewer', 'researcher', 'inference'] as const) {
      expect(await api(url, TOKENS[role])('POST', path, body), role).toMatchObject({
        status: 403,
        body: { code: 'FEDERA_ERR_AUTH_FORBIDDEN' },
      });
    }
    expect(await api(url, TOKENS.client)('POST', path, body)).toMatchObject({
      status: 200,
      body: { reporters: 1, ready: false },
    });
    expect(await api(url, TOKENS.admin)('POST', path, { ...body, clientId: 'site-b' })).toMatchObject({
      status: 200,
      body: { reporters: 2, ready: true },
    });
    expect((await api(url)('GET', path)).status).toBe(401);
    expect((await api(url, TOKENS.inference)('GET', path)).status).toBe(403);
    for (const role of ['client', 'viewer', 'researcher'] as const) {
      const read = await api(url, TOKENS[role])('GET', path);
      expect([read.status, read.body.reporters, read.body.summary?.rows], role).toEqual([200, 2, 6]);
    }
    // `federa client join` reads its run with the same client token.
    expect((await api(url, TOKENS.client)('GET', '/api/runs/stats')).status).toBe(200);
    expect((await api(url, TOKENS.client)('POST', '/api/runs/stats/start')).status).toBe(403);
  });

  it('with device identity, only enrolled, unrevoked, signed reporters count, and a revoked one stops counting', async () => {
    const url = await start({ auth: true, identity: true });
    const admin = api(url, TOKENS.admin);
    const keys = new Map<string, DeviceKey>();
    for (const clientId of ['site-a', 'site-b', 'site-c']) {
      const issued = await admin('POST', '/api/enrolment-tokens', { clientId });
      const key = await generateDeviceKey('Ed25519');
      keys.set(clientId, key);
      const enrol = await api(url)('POST', '/api/clients/enrol', {
        token: issued.body.token,
        clientId,
        publicKey: toBase64(key.publicKeySpki),
        algorithm: 'Ed25519',
      });
      expect(enrol.status).toBe(201);
    }
    const client = api(url, TOKENS.client);
    const path = '/api/runs/stats/feature-stats';
    const signed = async (clientId: string, s: ReturnType<typeof summary>) => ({
      clientId,
      summary: s,
      signature: toBase64(
        await signWithDeviceKey(keys.get(clientId)!, featureStatsSigningInput('stats', clientId, s)),
      ),
    });
    expect(await client('POST', path, { clientId: 'stranger', summary: summary(1) })).toMatchObject({
      status: 404,
      body: { code: 'FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND' },
    });
    expect(await client('POST', path, { clientId: 'site-b', summary: summary(2) })).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_FEATURES_SIGNATURE' },
    });
    expect(await client('POST', path, await signed('site-a', summary(3)))).toMatchObject({
      status: 200,
      body: { reporters: 1, ready: false },
    });
    expect((await admin('POST', '/api/clients/site-a/revoke')).status).toBe(200);
    expect(await client('POST', path, await signed('site-a', summary(3)))).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_IDENTITY_REVOKED' },
    });
    expect(await client('GET', path)).toMatchObject({
      status: 200,
      body: { reporters: 0, ready: false, summary: null },
    });
    expect((await client('POST', path, await signed('site-b', summary(2)))).body.reporters).toBe(1);
    expect(await client('POST', path, await signed('site-c', summary(5)))).toMatchObject({
      status: 200,
      body: { reporters: 2, ready: true, summary: { rows: 7 }, transform: { classes: ['0'] } },
    });
  });
});

describe('without auth configured (dev mode)', () => {
  it('the stream and feature statistics need no token, as before', async () => {
    const url = await start({ auth: false });
    expect(await openStream(url)).toMatchObject({ status: 200, event: 'event: hello\ndata: {"clients":[]}' });
    const path = '/api/runs/stats/feature-stats';
    expect(await api(url)('POST', path, { clientId: 'anyone', summary: summary(1) })).toMatchObject({
      status: 200,
      body: { reporters: 1 },
    });
    expect((await api(url)('GET', path)).status).toBe(200);
  });

  it('lists each connected client with the runs it declared, in the stream and at /dashboard/clients', async () => {
    const url = await start({ auth: false });
    const started = [
      await startClient(url, 'site-b', tinyData(4), { runs: ['stats', 'other'] }),
      await startClient(url, 'site-a', tinyData(4), { runs: ['stats'] }),
    ];
    try {
      const rows = [
        { clientId: 'site-a', runs: ['stats'] },
        { clientId: 'site-b', runs: ['stats', 'other'] },
      ];
      expect(await openStream(url)).toMatchObject({
        status: 200,
        event: `event: hello\ndata: ${JSON.stringify({ clients: rows })}`,
      });
      expect(await api(url)('GET', '/dashboard/clients')).toEqual({ status: 200, body: { clients: rows } });
      await started[0]!.client.stop();
      await expect
        .poll(async () => (await api(url)('GET', '/dashboard/clients')).body)
        .toEqual({ clients: [rows[0]] });
    } finally {
      await Promise.all(started.map((s) => s.client.stop()));
    }
  });
});
