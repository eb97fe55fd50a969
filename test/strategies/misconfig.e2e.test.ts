import { isFederaError } from '@federa/core';
import type { FederaServer } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tinyTopology } from '../helpers/federation.js';

let server: FederaServer;
let url: string;
beforeAll(async () => {
  ({ server, url } = await startServer());
});
afterAll(async () => server?.close());

const base = { clientsPerRound: 6, minClients: 4, rounds: 1 };
const dp = { noiseMultiplier: 1, clipNorm: 1 };

// Issue 4, done-when 5: each mis-configuration is refused at creation with its typed code.
const cases: Array<[string, Record<string, unknown>, string]> = [
  ['unknown strategy', { strategy: { name: 'fedfoo' } }, 'FEDERA_ERR_STRATEGY_UNKNOWN'],
  ['negative μ', { strategy: { name: 'fedprox', proximalMu: -0.1 } }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
  ['unknown parameter', { strategy: { name: 'fedavg', mu: 1 } }, 'FEDERA_ERR_STRATEGY_PARAM_UNKNOWN'],
  ['Krum f too large for n', { strategy: { name: 'krum', f: 2 } }, 'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS'],
  ['Bulyan f too large', { strategy: { name: 'bulyan', f: 1 } }, 'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS'],
  [
    'Krum with secure aggregation',
    { strategy: { name: 'krum', f: 1 }, minClients: 6, secureAggregation: {} },
    'FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE',
  ],
  [
    'δ ≥ 1',
    { strategy: { name: 'fedavg', dp: { ...dp, delta: 1 } }, populationSize: 100 },
    'FEDERA_ERR_STRATEGY_DP_INVALID',
  ],
  [
    'DP on a median',
    { strategy: { name: 'fedmedian', dp }, populationSize: 100 },
    'FEDERA_ERR_STRATEGY_DP_INCOMPATIBLE',
  ],
  ['DP without a population', { strategy: { name: 'fedavg', dp } }, 'FEDERA_ERR_RUN_CONFIG_INVALID'],
  [
    'population smaller than a round',
    { strategy: { name: 'fedavg', dp }, populationSize: 3 },
    'FEDERA_ERR_RUN_CONFIG_INVALID',
  ],
];

describe('strategy mis-configurations are rejected at run creation', () => {
  it.each(cases)('REST: %s', async (_name, settings, code) => {
    const res = await fetch(`${url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bad-run', topology: tinyTopology(), settings: { ...base, ...settings } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, retryable: false });
  });

  it.each(cases)('in-process: %s', async (_name, settings, code) => {
    const attempt = server.coordinator.createRun({
      settings: { ...base, ...settings, id: 'bad-run' } as never,
      topology: tinyTopology(),
    });
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFederaError(err) && err.code).toBe(code);
  });

  it('nothing was persisted, and a valid robust configuration is accepted with its parameters', async () => {
    expect(await server.store.getRun('bad-run')).toBeUndefined();
    const res = await fetch(`${url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'good-run',
        topology: tinyTopology(),
        settings: { ...base, strategy: { name: 'fedtrimmedavg', beta: 0.2 }, clientFraction: 0.5 },
      }),
    });
    expect(res.status).toBe(201);
    const run = (await res.json()) as {
      settings: { strategy: Record<string, unknown>; clientFraction: number };
    };
    expect(run.settings.strategy).toEqual({ name: 'fedtrimmedavg', beta: 0.2 });
    expect(run.settings.clientFraction).toBe(0.5);
  });

  it('a schema error outside the strategy stays a request error', async () => {
    const res = await fetch(`${url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', topology: tinyTopology(), settings: { ...base, clientFraction: 2 } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('FEDERA_ERR_REQUEST_INVALID');
  });
});
