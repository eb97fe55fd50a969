import { FederaClient, featureStatsSigningInput, signWithDeviceKey, toBase64 } from '@federa/client';
import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tinyData, tinyTopology } from '../helpers/federation.js';
import { type ProductionCoordinator, type Reply, startProductionCoordinator } from './production.js';

// Issue 11 row 1: a feature-statistics report whose column or category is named like an
// Object.prototype member used to write onto the global Object (`out.categorical[name] ??= {}`),
// after which run creation, inference and the next websocket upgrade failed and the process exited.
const PROTO_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const evilSummary = () => ({
  rows: 2,
  numeric: Object.fromEntries(PROTO_NAMES.map((n) => [n, { count: 2, sum: 1, sumSq: 1 }])),
  categorical: {
    ...Object.fromEntries(PROTO_NAMES.map((n) => [n, { keys: 1, constructor: 1 }])),
    city: Object.fromEntries(PROTO_NAMES.map((n) => [n, 1])),
  },
  labels: { constructor: 1, toString: 1 },
});

type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

/** Two reporters send the poisoned summary; the sum must come back intact, names and all. */
async function reportPoison(
  report: Call,
  read: Call,
  clientIds: readonly string[],
  sign: (clientId: string, summary: unknown) => Promise<string | undefined> = async () => undefined,
): Promise<void> {
  const runs = { id: 'tabular', topology: tinyTopology(), settings: { minClients: 2, rounds: 1 } };
  expect((await read('POST', '/api/runs', runs)).status).toBe(201);
  for (const clientId of clientIds) {
    const summary = evilSummary();
    const signature = await sign(clientId, summary);
    const sent = await report('POST', '/api/runs/tabular/feature-stats', {
      clientId,
      summary,
      ...(signature ? { signature } : {}),
    });
    expect(sent.status, sent.text).toBe(200);
  }
  const sum = await read('GET', '/api/runs/tabular/feature-stats');
  expect(sum.status, sum.text).toBe(200);
  expect(sum.body.ready).toBe(true);
  expect(sum.body.summary.categorical.constructor).toEqual({ keys: 2, constructor: 2 });
  expect(sum.body.summary.categorical.city.toString).toBe(2);
  expect(sum.body.summary.numeric.valueOf).toEqual({ count: 4, sum: 2, sumSq: 2 });
  expect(sum.body.summary.labels).toEqual({ constructor: 2, toString: 2 });
  expect(typeof Object.keys).toBe('function');
}

/** The process still serves: a run is created, inference answers, a new client connects. */
async function expectHealthy(call: Call, startClient: () => Promise<FederaClient>): Promise<void> {
  const created = await call('POST', '/api/runs', {
    id: 'after',
    topology: tinyTopology(),
    settings: { minClients: 1, rounds: 1 },
  });
  expect(created.status, created.text).toBe(201);
  const infer = await call('POST', '/v1/models/after:predict', { instances: [Array(8).fill(0.5)] });
  expect(infer.status, infer.text).toBe(200);
  expect(infer.body.predictions[0]).toHaveLength(3);
  const client = await startClient();
  await client.stop();
}

describe('issue 11 row 1: prototype-named feature statistics', () => {
  let prod: ProductionCoordinator | undefined;
  let server: FederaServer | undefined;
  afterEach(async () => {
    await prod?.close();
    await server?.close();
    prod = undefined;
    server = undefined;
  });

  it('production configuration: the client token reports, the sum keeps the names, the process keeps serving', async () => {
    prod = await startProductionCoordinator();
    const p = prod;
    const keys = new Map([
      ['site-a', await p.enrol('site-a')],
      ['site-b', await p.enrol('site-b')],
    ]);
    await reportPoison(
      (m, path, body) => p.call('client', m, path, body),
      (m, path, body) => p.call('admin', m, path, body),
      [...keys.keys()],
      async (clientId, summary) =>
        toBase64(
          await signWithDeviceKey(
            keys.get(clientId)!,
            featureStatsSigningInput('tabular', clientId, summary),
          ),
        ),
    );
    const fresh = await p.enrol('site-c');
    await expectHealthy(
      (m, path, body) => p.call('admin', m, path, body),
      async () => {
        const client = new FederaClient({
          url: p.url,
          clientId: 'site-c',
          runs: ['after'],
          identity: fresh,
          ca: p.ca,
          token: p.tokens.client,
          data: tinyData(6),
          backend: 'cpu',
        });
        await client.start();
        return client;
      },
    );
  });

  it('default configuration: anonymous reporters, same result', async () => {
    const started = await startServer();
    server = started.server;
    const call: Call = async (method, path, body) => {
      const res = await fetch(new URL(path, started.url), {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
    };
    await reportPoison(call, call, ['a', 'b']);
    await expectHealthy(call, async () => {
      const client = new FederaClient({
        url: started.url,
        clientId: 'fresh',
        runs: ['after'],
        data: tinyData(6),
        backend: 'cpu',
      });
      await client.start();
      return client;
    });
  });
});
