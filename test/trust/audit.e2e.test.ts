import { generateDeviceKey, toBase64 } from '@federa/client';
import { type FederaServer, hashToken } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { TOKENS, api, tokenConfig } from './admin-api.js';

interface Entry {
  seq: number;
  at: string;
  type: string;
  actor: Record<string, string>;
  target?: string;
  status?: number;
  detail?: Record<string, unknown>;
}

let server: FederaServer;
let url: string;
const stops: Array<() => Promise<void> | void> = [];
const tokenId = (t: string) => hashToken(t).slice(0, 8);

beforeAll(async () => {
  ({ server, url } = await startServer({ tokens: tokenConfig, identity: { required: false } }));
  const admin = api(url, TOKENS.admin);
  const researcher = api(url, TOKENS.researcher);
  const issued = await admin('POST', '/api/enrolment-tokens', { clientId: 'audited-site' });
  const key = await generateDeviceKey('Ed25519');
  const enrol = await api(url)('POST', '/api/clients/enrol', {
    token: issued.body.token,
    clientId: 'audited-site',
    publicKey: toBase64(key.publicKeySpki),
    algorithm: 'Ed25519',
  });
  expect(enrol.status).toBe(201);
  expect((await admin('POST', '/api/clients/audited-site/revoke')).status).toBe(200);

  // A committed round, then label moves on its model.
  const { client } = await startClient(url, 'trainer-1', tinyData(12), {
    runs: ['audited'],
    token: TOKENS.client,
  });
  stops.push(() => client.stop());
  const settings = { rounds: 1, clientsPerRound: 1, minClients: 1, batchSize: 4 };
  expect(
    (await researcher('POST', '/api/runs', { id: 'audited', topology: tinyTopology(), settings })).status,
  ).toBe(201);
  expect((await researcher('POST', '/api/runs/audited/start')).status).toBe(200);
  await server.coordinator.whenIdle('audited');
  await client.stop();
  expect((await researcher('PUT', '/v1/registry/models/audited/labels/stable', { version: 0 })).status).toBe(
    200,
  );
  expect((await researcher('PUT', '/v1/registry/models/audited/labels/stable', { version: 1 })).status).toBe(
    200,
  );
  expect((await researcher('POST', '/v1/registry/models/audited/labels/stable/rollback')).status).toBe(200);

  // A failed round: the only client never answers its task.
  const silent = await RawClient.connect(url, 'silent', ['failing'], {}, TOKENS.client);
  stops.push(() => silent.close());
  const failing = { rounds: 1, clientsPerRound: 1, minClients: 1, roundTimeoutMs: 200, maxRoundAttempts: 1 };
  await researcher('POST', '/api/runs', { id: 'failing', topology: tinyTopology(), settings: failing });
  await researcher('POST', '/api/runs/failing/start');
  await server.coordinator.whenIdle('failing');
  // A run stopped while it waits for clients.
  const waiting = { rounds: 1, clientsPerRound: 5, minClients: 5 };
  await researcher('POST', '/api/runs', { id: 'stopped', topology: tinyTopology(), settings: waiting });
  await researcher('POST', '/api/runs/stopped/start');
  expect((await researcher('POST', '/api/runs/stopped/stop')).status).toBe(200);
  // A denied attempt is recorded too.
  expect((await api(url, TOKENS.viewer)('POST', '/api/runs/stopped/start')).status).toBe(403);
});

afterAll(async () => {
  for (const s of stops) await s();
  await server?.close();
});

async function audit(query = ''): Promise<Entry[]> {
  const res = await api(url, TOKENS.admin)('GET', `/api/audit${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('audit log', () => {
  it('records who did what for every administrative action and round event', async () => {
    await waitFor(async () => (await audit('?type=round.')).length >= 2);
    const entries = await audit('?limit=1000');
    const find = (type: string, target?: string) =>
      entries.find((e) => e.type === type && (target === undefined || e.target === target));
    const admin = { role: 'admin', tokenId: tokenId(TOKENS.admin) };
    const researcher = { role: 'researcher', tokenId: tokenId(TOKENS.researcher) };
    expect(find('enrolment-token.issue')).toMatchObject({
      actor: admin,
      status: 201,
      detail: { clientId: 'audited-site' },
    });
    expect(find('client.enrol', 'audited-site')).toMatchObject({
      actor: { clientId: 'audited-site' },
      status: 201,
    });
    expect(find('client.revoke', 'audited-site')).toMatchObject({ actor: admin, status: 200 });
    expect(find('run.create', 'audited')).toMatchObject({ actor: researcher, status: 201 });
    expect(find('run.start', 'audited')).toMatchObject({ actor: researcher, status: 200 });
    expect(find('round.committed', 'audited')).toMatchObject({
      actor: { system: 'coordinator' },
      detail: { round: 1, version: 1 },
    });
    expect(entries.filter((e) => e.type === 'label.promote' && e.target === 'audited/stable')).toHaveLength(
      2,
    );
    expect(find('label.rollback', 'audited/stable')).toMatchObject({ actor: researcher, status: 200 });
    expect(find('round.failed', 'failing')).toMatchObject({ detail: { round: 1, attempt: 1 } });
    expect(find('run.stop', 'stopped')).toMatchObject({ actor: researcher, status: 200 });
    expect(
      entries.find((e) => e.type === 'run.start' && e.target === 'stopped' && e.status === 403),
    ).toMatchObject({ actor: { role: 'viewer', tokenId: tokenId(TOKENS.viewer) } });
    // Strictly increasing sequence, and no secrets.
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const text = JSON.stringify(entries);
    for (const t of Object.values(TOKENS)) expect(text).not.toContain(t);
    expect(text).not.toMatch(/fet_/);
  });

  it('filters by type and pages with since and limit', async () => {
    const rounds = await audit('?type=round.');
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds.every((e) => e.type.startsWith('round.'))).toBe(true);
    const firstTwo = await audit('?limit=2');
    expect(firstTwo.map((e) => e.seq)).toEqual([1, 2]);
    const after = await audit(`?since=${firstTwo[1]!.seq}&limit=1`);
    expect(after.map((e) => e.seq)).toEqual([3]);
    const bad = await api(url, TOKENS.admin)('GET', '/api/audit?since=yesterday');
    expect([bad.status, bad.body.code]).toEqual([400, 'FEDERA_ERR_REQUEST_INVALID']);
  });
});
