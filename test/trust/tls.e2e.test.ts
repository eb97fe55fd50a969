import { FederaClient } from '@federa/client';
import { type FederaServer, buildServer } from '@federa/server';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, tinyData, tinyTopology } from '../helpers/federation.js';
import { type TestPki, hasOpenssl, makeTestPki } from './pki.js';

let pki: TestPki;
let dir: Awaited<ReturnType<typeof tempDir>>;
let server: FederaServer;
let url: string;
const clients: FederaClient[] = [];

beforeAll(async () => {
  dir = await tempDir('federa-pki-');
  pki = makeTestPki(dir.path);
  ({ server, url } = await startServer({
    serving: false,
    tls: { cert: pki.serverCert, key: pki.serverKey },
  }));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await server?.close();
  await dir?.remove();
});

/** Resolve with the connect error message, or 'connected'. */
function tryConnect(options: { ca?: string; cert?: string; key?: string }, at = url): Promise<string> {
  const socket = io(at, { transports: ['websocket'], reconnection: false, ...options });
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.on('connect_error', (err) => {
      socket.disconnect();
      resolve(
        String((err as Error & { description?: { message?: string } }).description?.message ?? err.message),
      );
    });
  });
}

describe.runIf(hasOpenssl())('TLS with a private CA (hospital PKI)', () => {
  it('serves https and wss on one port', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs a federation round over WSS when the client trusts the CA', async () => {
    for (let i = 0; i < 2; i++) {
      const client = new FederaClient({
        url,
        clientId: `tls-${i}`,
        runs: ['over-tls'],
        data: tinyData(12, i),
        backend: 'cpu',
        ca: pki.caCert,
      });
      clients.push(client);
      await client.start();
    }
    await server.coordinator.createRun({
      settings: { id: 'over-tls', rounds: 2, clientsPerRound: 2, minClients: 2, batchSize: 4 },
      topology: tinyTopology(),
    });
    await server.coordinator.startRun('over-tls');
    await server.coordinator.whenIdle('over-tls');
    expect((await server.coordinator.getRun('over-tls')).status).toBe('completed');
    expect((await server.store.listRounds('over-tls')).map((r) => r.participants.length)).toEqual([2, 2]);
  });

  it('refuses the server to a client without the CA, or trusting another CA', async () => {
    const withoutCa = await tryConnect({});
    expect(withoutCa).not.toBe('connected');
    expect(withoutCa).toMatch(/certificate/i);
    const otherCa = await tryConnect({ ca: pki.otherCaCert });
    expect(otherCa).not.toBe('connected');
    expect(otherCa).toMatch(/certificate/i);
    expect(await tryConnect({ ca: pki.caCert })).toBe('connected');
  });

  it('serves REST over https only to callers that verify the certificate', async () => {
    await expect(fetch(`${url}/api/runs`)).rejects.toThrow();
  });

  it('with clientCa set, admits only clients presenting a certificate from that CA (mutual TLS)', async () => {
    const { server: mtls, url: mtlsUrl } = await startServer({
      serving: false,
      tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert },
    });
    try {
      expect(await tryConnect({ ca: pki.caCert }, mtlsUrl)).not.toBe('connected');
      expect(await tryConnect({ ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }, mtlsUrl)).toBe(
        'connected',
      );
    } finally {
      await mtls.close();
    }
  });

  it('fails fast with a typed error when the key does not match the certificate', async () => {
    const other = await tempDir('federa-pki2-');
    const second = makeTestPki(other.path);
    const store = await tempDir();
    await expect(
      buildServer({ storePath: store.path, tls: { cert: pki.serverCert, key: second.serverKey } }),
    ).rejects.toMatchObject({ code: 'FEDERA_ERR_TLS_CONFIG_INVALID' });
    await other.remove();
    await store.remove();
  });
});
