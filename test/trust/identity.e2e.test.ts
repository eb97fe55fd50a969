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

async function signedHelloClient(url: string, clientId: string, key: DeviceKey): Promise<RawClient> {
  const { raw, nonce } = await RawClient.open(url);
  cleanup.push(() => raw.close());
  await raw.send({ kind: 'hello', hello: await RawClient.hello(clientId, nonce, key) });
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

    const client = new FederaClient({ url, clientId: 'stranger-sdk', data: tinyData(6), backend: 'cpu' });
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

  it('refuses a revoked client from its next message on, and at every later hello', async () => {
    const { url } = await secureServer();
    const key = await enrolled(url, 'site-r');
    const raw = await signedHelloClient(url, 'site-r', key);
    await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'none', modelVersion: 0 } });
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_RUN_NOT_FOUND');

    const revoke = await api(url, TOKENS.admin)('POST', '/api/clients/site-r/revoke');
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).toBeTruthy();
    await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'none', modelVersion: 0 } });
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
      identity: key,
      data: tinyData(6),
      backend: 'cpu',
      onEvent: (e) => e.type === 'rejected' && codes.push(e.error.code),
    });
    cleanup.push(() => client.stop());
    await client.start();
    await api(url, TOKENS.admin)('POST', '/api/clients/site-s/revoke');
    // Its next message is a model request for the round it is sampled into.
    await server.coordinator.createRun({
      settings: { id: 'after-revoke', rounds: 1, clientsPerRound: 1, minClients: 1, roundTimeoutMs: 60_000 },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('after-revoke');
    await waitFor(() => codes.includes('FEDERA_ERR_IDENTITY_REVOKED'));
    await waitFor(() => server.coordinator.pool.connectedCount === 0);
    await server.coordinator.stopRun('after-revoke');
  });

  it('an enrolled client trains a round end to end (Ed25519 and ECDSA P-256 devices)', async () => {
    const { server, url } = await secureServer();
    const clients = await Promise.all(
      (['Ed25519', 'ECDSA-P256'] as const).map(async (algorithm, i) => {
        const clientId = `hospital-${i}`;
        const key = await enrolled(url, clientId, algorithm);
        const client = new FederaClient({
          url,
          clientId,
          identity: key,
          data: tinyData(12, i),
          backend: 'cpu',
        });
        cleanup.push(() => client.stop());
        await client.start();
        return client;
      }),
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
