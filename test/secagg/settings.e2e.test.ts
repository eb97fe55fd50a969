import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tinyTopology } from '../helpers/federation.js';

let server: FederaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('secureAggregation run setting', () => {
  it('is refused at creation with a strategy that needs individual updates', async () => {
    ({ server } = await startServer());
    await expect(
      server.coordinator.createRun({
        settings: {
          id: 'krum',
          clientsPerRound: 10,
          minClients: 8,
          strategy: { name: 'krum', f: 2 },
          secureAggregation: {},
        },
        topology: tinyTopology(),
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^FEDERA_ERR_/) });
    expect(await server.store.getRun('krum')).toBeUndefined();
  });

  it('needs at least 3 clients per round and overflow-free parameters', async () => {
    ({ server } = await startServer());
    const create = (id: string, extra: Record<string, unknown>) =>
      server!.coordinator.createRun({
        settings: { id, clientsPerRound: 10, minClients: 3, ...extra },
        topology: tinyTopology(),
      });
    await expect(create('tiny', { minClients: 2, secureAggregation: {} })).rejects.toMatchObject({
      code: 'FEDERA_ERR_RUN_CONFIG_INVALID',
    });
    await expect(create('wide', { secureAggregation: { quantizationBits: 30 } })).rejects.toMatchObject({
      code: 'FEDERA_ERR_RUN_CONFIG_INVALID',
    });
    // 16 named metrics are the most a masked vector carries; adaptive DP clipping needs one more word pair.
    const metrics = Array.from({ length: 16 }, (_, i) => `m${i}`);
    await create('sixteen', { secureAggregation: { metrics } });
    const dp = {
      mode: 'client-clipping',
      noiseMultiplier: 0,
      adaptive: { initialClip: 1 },
      expectedClients: 10,
    };
    await expect(
      create('seventeen', {
        populationSize: 10,
        strategy: { name: 'fedavg', dp },
        secureAggregation: { metrics },
      }),
    ).rejects.toMatchObject({
      code: 'FEDERA_ERR_RUN_CONFIG_INVALID',
      message: expect.stringContaining('metricNames'),
    });
    const ok = await create('fine', { secureAggregation: { clipRange: 1, stageTimeoutMs: 2_000 } });
    // The threat model is fixed and recorded at creation: without device identity, honest-but-curious.
    expect(ok.settings.secureAggregation).toEqual({
      clipRange: 1,
      stageTimeoutMs: 2_000,
      threat: 'honest-but-curious',
    });
  });

  it('is accepted over REST, with out-of-range values refused by the schema', async () => {
    let url: string;
    ({ server, url } = await startServer());
    const post = (id: string, settings: Record<string, unknown>) =>
      fetch(`${url}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, topology: tinyTopology(), settings }),
      });
    expect((await post('bad', { secureAggregation: { dropoutRate: 0.7 }, minClients: 3 })).status).toBe(400);
    expect(await server.store.getRun('bad')).toBeUndefined();
    const good = await post('good', {
      secureAggregation: { neighbours: 4 },
      minClients: 5,
      clientsPerRound: 5,
    });
    expect(good.status).toBe(201);
    expect((await server.store.getRun('good'))?.settings.secureAggregation).toEqual({
      neighbours: 4,
      threat: 'honest-but-curious',
    });
    // Against a malicious coordinator the clients' adverts must be signed by enrolled keys: not without identity.
    const malicious = await post('malicious', {
      secureAggregation: { threat: 'malicious-server' },
      minClients: 5,
      clientsPerRound: 5,
    });
    expect(malicious.status).toBe(400);
    expect(await malicious.json()).toMatchObject({ code: 'FEDERA_ERR_SECAGG_IDENTITY_REQUIRED' });
    expect(await server.store.getRun('malicious')).toBeUndefined();
    expect((await post('threat-typo', { secureAggregation: { threat: 'paranoid' } })).status).toBe(400);
  });
});
