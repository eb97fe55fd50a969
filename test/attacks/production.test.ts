import { FederaClient } from '@federa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyData } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { startChildCoordinator } from './child-coordinator.js';
import { type ProductionCoordinator, startProductionCoordinator } from './production.js';

// The fixture every attack test uses must really be the hardened setup: if it silently fell back to
// dev mode, every attack test would pass for the wrong reason.
describe('the production fixture of the attack tests', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator();
  });
  afterAll(() => prod?.close());

  it('serves https, refuses anonymous REST and admits a token of the right role', async () => {
    expect(prod.url.startsWith('https://')).toBe(true);
    expect((await prod.call(undefined, 'GET', '/api/runs')).status).toBe(401);
    expect((await prod.call('viewer', 'GET', '/api/runs')).status).toBe(200);
    expect((await prod.call('viewer', 'POST', '/api/runs', {})).status).toBe(403);
  });

  it('refuses an unsigned hello and welcomes an enrolled device over wss', async () => {
    const { raw, nonce } = await RawClient.open(prod.url, { ca: prod.ca });
    await raw.send({ kind: 'hello', hello: await RawClient.hello('stranger', nonce) });
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
    raw.close();

    const key = await prod.enrol('site-a');
    const client = new FederaClient({
      url: prod.url,
      clientId: 'site-a',
      runs: ['prod'],
      identity: key,
      ca: prod.ca,
      token: prod.tokens.client,
      data: tinyData(6),
      backend: 'cpu',
    });
    await client.start();
    await client.stop();
  });
});

describe('the child-process production coordinator', () => {
  it('refuses anonymous REST and reports its own memory', async () => {
    const child = await startChildCoordinator();
    try {
      expect((await child.call(undefined, 'GET', '/api/runs')).status).toBe(401);
      expect((await child.call('viewer', 'GET', '/api/runs')).status).toBe(200);
      const usage = await child.memory();
      expect(usage.rss).toBeGreaterThan(usage.heapUsed);
      expect(child.alive).toBe(true);
    } finally {
      await child.close();
    }
    expect(child.alive).toBe(false);
  });
});
