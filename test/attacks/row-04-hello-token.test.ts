import { FederaClient } from '@federa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { type ProductionCoordinator, startProductionCoordinator } from './production.js';

// Issue 11 row 4: with tokens configured but identity off, the hello's credentials.token was never
// checked, so a hello as a connected id with any token displaced the real client and took its task.
// Row 10 (its hello half): hello ids had no length limit without identity.

/** A raw hello as `clientId` carrying `token`; resolves the first reply's kind or error code. */
async function helloReply(url: string, ca: string | undefined, clientId: string, token: string) {
  const { raw, nonce } = await RawClient.open(url, ca ? { ca } : {});
  await raw.send({ kind: 'hello', hello: await RawClient.hello(clientId, nonce, undefined, [], token) });
  await waitFor(() => raw.received.length > 0, 10_000);
  const first = raw.received[0]!;
  raw.close();
  return first.kind === 'error' ? first.error.code : first.kind;
}

describe('row 4: tokens configured, identity off', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator({ identity: undefined });
  });
  afterAll(() => prod?.close());

  it('a hello needs a client token; one for a connected id cannot displace it; the real client keeps its round', async () => {
    const rejected: string[] = [];
    const client = new FederaClient({
      url: prod.url,
      ca: prod.ca,
      clientId: 'site-a',
      runs: ['r4'],
      token: prod.tokens.client,
      data: tinyData(12),
      backend: 'cpu',
      onEvent: (e) => {
        if (e.type === 'rejected') rejected.push(e.error.code);
      },
    });
    await client.start();
    try {
      await waitFor(() => prod.server.coordinator.pool.get('site-a') !== undefined);
      const session = prod.server.coordinator.pool.get('site-a');
      for (const token of ['', 'anything-at-all', prod.tokens.viewer, prod.tokens.researcher]) {
        expect(await helloReply(prod.url, prod.ca, 'site-a', token), `token ${token}`).toBe(
          'FEDERA_ERR_SESSION_UNAUTHENTICATED',
        );
        expect(await helloReply(prod.url, prod.ca, 'stranger', token)).toBe(
          'FEDERA_ERR_SESSION_UNAUTHENTICATED',
        );
      }
      // The shared client token admits a new id, but proves no id: it cannot take site-a's session.
      expect(await helloReply(prod.url, prod.ca, 'site-a', prod.tokens.client)).toBe(
        'FEDERA_ERR_SESSION_ID_IN_USE',
      );
      expect(await helloReply(prod.url, prod.ca, 'site-b', prod.tokens.client)).toBe('welcome');
      expect(prod.server.coordinator.pool.get('site-a')).toBe(session);

      const run = { id: 'r4', topology: tinyTopology(), settings: { minClients: 1, rounds: 1 } };
      expect((await prod.call('researcher', 'POST', '/api/runs', run)).status).toBe(201);
      expect((await prod.call('researcher', 'POST', '/api/runs/r4/start')).status).toBe(200);
      await waitFor(
        async () => (await prod.call('viewer', 'GET', '/api/runs/r4')).body?.status === 'completed',
        60_000,
      );
      const rounds = await prod.call('viewer', 'GET', '/api/runs/r4/rounds');
      expect(rounds.body[0].participants.map((p: { clientId: string }) => p.clientId)).toEqual(['site-a']);
      expect(rejected).toEqual([]);
    } finally {
      await client.stop();
    }
  });

  it('refuses a hello id longer than 128 characters or with odd characters, before keeping it', async () => {
    // (An empty id is already refused by the protocol decoder: FEDERA_ERR_PROTO_MISSING_FIELD.)
    for (const id of ['x'.repeat(129), 'x'.repeat(10_000), '-lead', 'a b', 'é', '__proto__']) {
      expect(await helloReply(prod.url, prod.ca, id, prod.tokens.client)).toBe(
        'FEDERA_ERR_SESSION_CLIENT_ID_INVALID',
      );
    }
    // A hello past the 16 KiB hello bound is refused before it is even decoded (row 3).
    expect(await helloReply(prod.url, prod.ca, 'x'.repeat(100_000), prod.tokens.client)).toBe(
      'FEDERA_ERR_SESSION_NO_HELLO',
    );
    expect(await helloReply(prod.url, prod.ca, `a${'x'.repeat(127)}`, prod.tokens.client)).toBe('welcome');
  });
});

describe('row 4: the production coordinator (identity required)', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator();
  });
  afterAll(() => prod?.close());

  it('the client token alone does not admit; a signed hello of the enrolled device replaces its own session', async () => {
    const key = await prod.enrol('site-a');
    expect(await helloReply(prod.url, prod.ca, 'site-a', prod.tokens.client)).toBe(
      'FEDERA_ERR_SESSION_UNAUTHENTICATED',
    );
    const first = await RawClient.open(prod.url, { ca: prod.ca });
    await first.raw.send({ kind: 'hello', hello: await RawClient.hello('site-a', first.nonce, key) });
    await first.raw.next('welcome');
    const second = await RawClient.open(prod.url, { ca: prod.ca });
    await second.raw.send({ kind: 'hello', hello: await RawClient.hello('site-a', second.nonce, key) });
    await second.raw.next('welcome');
    expect(await first.raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_DUPLICATE');
    // The replaced session's close is not the device leaving: it is listed and counted once. (The old
    // session's disconnect is announced before the new session's connect; this pins that order.)
    await waitFor(() => first.raw.disconnected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(prod.server.coordinator.pool.get('site-a')).toBeDefined();
    expect((await prod.call('viewer', 'GET', '/dashboard/clients')).body.clients).toEqual([
      { clientId: 'site-a', runs: [] },
    ]);
    expect((await prod.call('viewer', 'GET', '/metrics')).text).toMatch(/^federa_clients_connected 1$/m);
    second.raw.close();
    await waitFor(
      async () => (await prod.call('viewer', 'GET', '/dashboard/clients')).body.clients.length === 0,
    );
    expect((await prod.call('viewer', 'GET', '/metrics')).text).toMatch(/^federa_clients_connected 0$/m);
  });
});

describe('row 10 (hello ids): the default configuration', () => {
  it('refuses over-long ids and still welcomes a normal one', async () => {
    const { server, url } = await startServer();
    try {
      expect(await helloReply(url, undefined, 'y'.repeat(10_000), '')).toBe(
        'FEDERA_ERR_SESSION_CLIENT_ID_INVALID',
      );
      expect(await helloReply(url, undefined, 'site-1', '')).toBe('welcome');
      expect(server.coordinator.pool.connectedCount).toBeLessThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});
