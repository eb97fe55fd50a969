import {
  type DeviceKey,
  FederaClient,
  MemoryKeyStore,
  enrolDevice,
  generateDeviceKey,
  loadOrCreateDeviceKey,
} from '@federa/client';
import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { TOKENS, api, tokenConfig } from './admin-api.js';
import { RawClient } from '../helpers/raw-client.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function secureServer(): Promise<{ server: FederaServer; url: string }> {
  const { server, url } = await startServer({
    serving: false,
    tokens: tokenConfig,
    identity: { required: true, enrolPerMinute: 100 },
  });
  cleanup.push(() => server.close());
  return { server, url };
}

/** Issue a token as admin and enrol a fresh device key for `clientId`. */
async function enrolled(url: string, clientId: string, algorithm: DeviceKey['algorithm'] = 'Ed25519') {
  const issued = await api(url, TOKENS.admin)('POST', '/api/enrolment-tokens', { clientId });
  expect(issued.status).toBe(201);
  const key = await loadOrCreateDeviceKey(new MemoryKeyStore(), clientId, algorithm);
  await enrolDevice({ url, token: issued.body.token, clientId, key });
  return key;
}

/** Enrol `clientId` and start a real FederaClient signing its hellos with the new device key. */
async function startEnrolledClient(
  url: string,
  clientId: string,
  i: number,
  algorithm?: DeviceKey['algorithm'],
) {
  const key = await enrolled(url, clientId, algorithm);
  const client = new FederaClient({
    url,
    clientId,
    runs: ['secure', 'r'],
    identity: key,
    data: tinyData(12, i),
    backend: 'cpu',
  });
  cleanup.push(() => client.stop());
  await client.start();
  return client;
}

async function signedHelloClient(url: string, clientId: string, key: DeviceKey): Promise<RawClient> {
  const { raw, nonce } = await RawClient.open(url);
  cleanup.push(() => raw.close());
  await raw.send({ kind: 'hello', hello: await RawClient.hello(clientId, nonce, key, ['r']) });
  await raw.next('welcome');
  return raw;
}

describe('client identity at the gateway', () => {
  it('refuses an unenrolled client with SESSION_UNAUTHENTICATED, signed or not, and the SDK stops', async () => {
    const { url } = await secureServer();
    const { raw, nonce } = await RawClient.open(url);
    cleanup.push(() => raw.close());
    await raw.send({
      kind: 'hello',
      hello: await RawClient.hello('stranger', nonce, await generateDeviceKey()),
    });
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
    await waitFor(() => raw.disconnected);

    const client = new FederaClient({
      url,
      clientId: 'stranger-sdk',
      runs: ['r'],
      data: tinyData(6),
      backend: 'cpu',
    });
    cleanup.push(() => client.stop());
    await expect(client.start()).rejects.toMatchObject({ code: 'FEDERA_ERR_SESSION_UNAUTHENTICATED' });
  });

  it("refuses a replayed signed hello: another session's nonce, or another client's signature", async () => {
    const { url } = await secureServer();
    const keyA = await enrolled(url, 'site-a');
    await enrolled(url, 'site-b', 'ECDSA-P256');
    // A legitimate session of site-a; an eavesdropper keeps its signed hello.
    const first = await RawClient.open(url);
    cleanup.push(() => first.raw.close());
    const captured = await RawClient.hello('site-a', first.nonce, keyA);
    await first.raw.send({ kind: 'hello', hello: captured });
    await first.raw.next('welcome');
    first.raw.close();

    const replay = await RawClient.open(url);
    cleanup.push(() => replay.raw.close());
    expect(replay.nonce).not.toEqual(first.nonce);
    await replay.raw.send({ kind: 'hello', hello: captured });
    expect(await replay.raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');

    // site-a's signature over this very session's nonce does not authenticate site-b.
    const impersonate = await RawClient.open(url);
    cleanup.push(() => impersonate.raw.close());
    const signedByA = await RawClient.hello('site-a', impersonate.nonce, keyA);
    await impersonate.raw.send({ kind: 'hello', hello: { ...signedByA, clientId: 'site-b' } });
    expect(await impersonate.raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
  });

  it('closes a revoked client at once with IDENTITY_REVOKED, and refuses it at every later hello', async () => {
    const { url } = await secureServer();
    const key = await enrolled(url, 'site-r');
    const raw = await signedHelloClient(url, 'site-r', key);
    // Admitted: its requests are answered (here refused: it is no member of that run).
    await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'none', modelVersion: 0 } });
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER');

    // The client stays silent: the revocation itself ends its session.
    const revoke = await api(url, TOKENS.admin)('POST', '/api/clients/site-r/revoke');
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).toBeTruthy();
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_IDENTITY_REVOKED');
    await waitFor(() => raw.disconnected);

    const again = await RawClient.open(url);
    cleanup.push(() => again.raw.close());
    await again.raw.send({ kind: 'hello', hello: await RawClient.hello('site-r', again.nonce, key) });
    expect(await again.raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
  });

  it('the SDK stops reconnecting once revoked', async () => {
    const { server, url } = await secureServer();
    const key = await enrolled(url, 'site-s');
    const codes: string[] = [];
    const client = new FederaClient({
      url,
      clientId: 'site-s',
      runs: ['r'],
      identity: key,
      data: tinyData(6),
      backend: 'cpu',
      onEvent: (e) => e.type === 'rejected' && codes.push(e.error.code),
    });
    cleanup.push(() => client.stop());
    await client.start();
    await api(url, TOKENS.admin)('POST', '/api/clients/site-s/revoke');
    await waitFor(() => codes.includes('FEDERA_ERR_IDENTITY_REVOKED'));
    await waitFor(() => server.coordinator.pool.connectedCount === 0);
  });

  it('an enrolled client trains a round end to end (Ed25519 and ECDSA P-256 devices)', async () => {
    const { server, url } = await secureServer();
    const clients = await Promise.all(
      (['Ed25519', 'ECDSA-P256'] as const).map((algorithm, i) =>
        startEnrolledClient(url, `hospital-${i}`, i, algorithm),
      ),
    );
    expect(clients).toHaveLength(2);
    const researcher = api(url, TOKENS.researcher);
    const created = await researcher('POST', '/api/runs', {
      id: 'secure',
      topology: tinyTopology(),
      settings: { rounds: 1, clientsPerRound: 2, minClients: 2, localEpochs: 1, batchSize: 4 },
    });
    expect(created.status).toBe(201);
    expect((await researcher('POST', '/api/runs/secure/start')).status).toBe(200);
    await server.coordinator.whenIdle('secure');
    const rounds = await server.store.listRounds('secure');
    expect(rounds).toHaveLength(1);
    expect(rounds[0]!.participants.map((p) => p.clientId).sort()).toEqual(['hospital-0', 'hospital-1']);
  });
});

describe('revocation of a connected client', () => {
  it('a connected, silent client is closed with IDENTITY_REVOKED when revoked, and no round samples it', async () => {
    const { server, url } = await secureServer();
    const sampled: string[][] = [];
    server.events.on('round-started', (r) => sampled.push(r.sampled));
    for (const [i, clientId] of ['site-a', 'site-b'].entries()) await startEnrolledClient(url, clientId, i);
    // Connected and enrolled, but it never sends anything after its hello.
    const silent = await signedHelloClient(url, 'site-silent', await enrolled(url, 'site-silent'));
    const researcher = api(url, TOKENS.researcher);
    const settings = { rounds: 3, clientsPerRound: 3, minClients: 2, localEpochs: 1, batchSize: 4 };
    expect(
      (await researcher('POST', '/api/runs', { id: 'r', topology: tinyTopology(), settings })).status,
    ).toBe(201);
    expect((await api(url, TOKENS.admin)('POST', '/api/clients/site-silent/revoke')).status).toBe(200);
    expect(await silent.nextErrorCode()).toBe('FEDERA_ERR_IDENTITY_REVOKED');
    await waitFor(() => silent.disconnected);
    expect((await researcher('POST', '/api/runs/r/start')).status).toBe(200);
    await server.coordinator.whenIdle('r');

    expect((await server.store.getRun('r'))?.status).toBe('completed');
    expect(sampled).toHaveLength(3);
    for (const ids of sampled) expect([...ids].sort()).toEqual(['site-a', 'site-b']);
  });

  it('refuses a hello whose client is revoked while the hello is being authenticated', async () => {
    let server: FederaServer | undefined;
    const started = await startServer({
      serving: false,
      tokens: tokenConfig,
      identity: { required: true, enrolPerMinute: 100 },
      // Runs after the signature check: the revocation lands while the gateway awaits this hook.
      authenticateClient: async (hello) => {
        await server!.identity!.revoke(hello.clientId, 'test');
        return true;
      },
    });
    server = started.server;
    cleanup.push(() => started.server.close());
    const key = await enrolled(started.url, 'site-late');
    const { raw, nonce } = await RawClient.open(started.url);
    cleanup.push(() => raw.close());
    await raw.send({ kind: 'hello', hello: await RawClient.hello('site-late', nonce, key) });
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
    await waitFor(() => raw.disconnected);
    expect(raw.received.some((b) => b.kind === 'welcome')).toBe(false);
    expect(server.coordinator.pool.get('site-late')).toBeUndefined();
  });
});
