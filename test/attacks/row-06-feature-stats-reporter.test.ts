import { type DeviceKey, featureStatsSigningInput, signWithDeviceKey, toBase64 } from '@federa/client';
import { afterEach, describe, expect, it } from 'vitest';
import { tinyTopology } from '../helpers/federation.js';
import { type ProductionCoordinator, startProductionCoordinator } from './production.js';

// Issue 11 row 6: anyone holding the shared `client` token could report feature statistics under
// any enrolled id: fill the quorum with known fake reports and subtract them to recover a victim's
// summary, or overwrite the victim's report to set the global standardisation.
const summary = (age: number, rows = 10) => ({
  label: 'y',
  rows,
  numeric: { age: { count: rows, sum: age * rows, sumSq: age * age * rows } },
  categorical: { sex: { F: rows } },
  labels: { '0': rows },
});
type Summary = ReturnType<typeof summary>;
const signed = async (key: DeviceKey, runId: string, clientId: string, s: Summary) => ({
  clientId,
  summary: s,
  signature: toBase64(await signWithDeviceKey(key, featureStatsSigningInput(runId, clientId, s))),
});

describe('issue 11 row 6: one feature-statistics report per authenticated reporter', () => {
  let prod: ProductionCoordinator | undefined;
  afterEach(async () => {
    await prod?.close();
    prod = undefined;
  });

  it('production configuration: the client token alone cannot report under, fake, replay or overwrite an enrolled id', async () => {
    prod = await startProductionCoordinator();
    const attacker = (method: string, path: string, body?: unknown) =>
      prod!.call('client', method, path, body);
    const victimKey = await prod.enrol('site-a');
    // The attacker is an enrolled participant too: it holds its own device key, not the victim's.
    const attackerKey = await prod.enrol('site-z');
    for (const id of ['stats', 'other']) {
      const settings = { minClients: 3, clientsPerRound: 3, rounds: 1 };
      expect(
        (await prod.call('researcher', 'POST', '/api/runs', { id, topology: tinyTopology(), settings }))
          .status,
      ).toBe(201);
    }
    const path = '/api/runs/stats/feature-stats';

    // Under the victim's id: unsigned, or signed with the attacker's own key.
    expect(await attacker('POST', path, { clientId: 'site-a', summary: summary(1e9) })).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_FEATURES_SIGNATURE' },
    });
    const forged = await signed(attackerKey, 'stats', 'site-a', summary(1e9));
    expect(await attacker('POST', path, forged)).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_FEATURES_SIGNATURE' },
    });
    // Fake reporters to fill the quorum: unknown ids are refused.
    for (const id of ['fake-1', 'fake-2']) {
      expect(await attacker('POST', path, { clientId: id, summary: summary(0) })).toMatchObject({
        status: 404,
        body: { code: 'FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND' },
      });
    }

    // The victim reports; a replay of its signed report counts once, and is void in another run.
    const report = await signed(victimKey, 'stats', 'site-a', summary(50));
    expect((await attacker('POST', path, report)).body).toMatchObject({ reporters: 1, ready: false });
    expect((await attacker('POST', path, report)).body).toMatchObject({ reporters: 1, ready: false });
    expect(await attacker('POST', '/api/runs/other/feature-stats', report)).toMatchObject({
      status: 401,
      body: { code: 'FEDERA_ERR_FEATURES_SIGNATURE' },
    });
    // Nobody, not even the victim's key, replaces a report once made.
    expect(
      await attacker('POST', path, await signed(victimKey, 'stats', 'site-a', summary(1e9))),
    ).toMatchObject({
      status: 409,
      body: { code: 'FEDERA_ERR_FEATURES_ALREADY_REPORTED' },
    });
    expect(
      (await attacker('POST', path, await signed(attackerKey, 'stats', 'site-z', summary(0)))).body,
    ).toMatchObject({
      reporters: 2,
      ready: false,
      summary: null,
    });
    // The process keeps serving.
    expect((await prod.call('viewer', 'GET', '/api/runs/stats')).status).toBe(200);
  });

  it('tokens without device identity: an id is first come (the documented limit), and never overwritten', async () => {
    prod = await startProductionCoordinator({ identity: undefined });
    const settings = { minClients: 2, clientsPerRound: 2, rounds: 1 };
    expect(
      (
        await prod.call('researcher', 'POST', '/api/runs', {
          id: 'stats',
          topology: tinyTopology(),
          settings,
        })
      ).status,
    ).toBe(201);
    const path = '/api/runs/stats/feature-stats';
    expect(
      (await prod.call('client', 'POST', path, { clientId: 'site-a', summary: summary(50) })).status,
    ).toBe(200);
    expect(
      await prod.call('client', 'POST', path, { clientId: 'site-a', summary: summary(1e9) }),
    ).toMatchObject({
      status: 409,
      body: { code: 'FEDERA_ERR_FEATURES_ALREADY_REPORTED' },
    });
    const done = await prod.call('client', 'POST', path, { clientId: 'site-b', summary: summary(50) });
    expect(done.body).toMatchObject({ ready: true, summary: { numeric: { age: { sum: 1000 } } } });
    // Once frozen, a late report changes nothing.
    const late = await prod.call('client', 'POST', path, { clientId: 'site-c', summary: summary(1e9) });
    expect(late.body).toMatchObject({
      reporters: 2,
      ready: true,
      summary: { numeric: { age: { sum: 1000 } } },
    });
  });
});
