import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTopology } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { type ProductionCoordinator, startProductionCoordinator } from './production.js';

// Issue 11 row 13: any enrolled client could request any run's weights over the socket.
describe('ModelRequest for a run the client did not join (production configuration)', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator();
    const settings = { rounds: 1, clientsPerRound: 2, minClients: 2 };
    for (const id of ['mine', 'theirs']) {
      const created = await prod.call('researcher', 'POST', '/api/runs', {
        id,
        topology: tinyTopology(),
        settings,
      });
      expect(created.status).toBe(201);
    }
  });
  afterAll(() => prod?.close());

  it('is refused with a typed 403 and no weights; its own run is served and the process stays healthy', async () => {
    const key = await prod.enrol('site-a');
    const { raw, nonce } = await RawClient.open(prod.url, { ca: prod.ca });
    await raw.send({ kind: 'hello', hello: await RawClient.hello('site-a', nonce, key, ['mine']) });
    expect((await raw.next('welcome')).welcome.runIds).toEqual(['mine']);

    await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'theirs', modelVersion: 0 } });
    const refused = (await raw.next('error')).error;
    expect(refused).toMatchObject({
      code: 'FEDERA_ERR_MEMBERSHIP_NOT_MEMBER',
      httpStatus: 403,
      retryable: false,
    });
    await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'mine', modelVersion: 0 } });
    const model = (await raw.next('model')).model;
    expect(model.runId).toBe('mine');
    // The refused request produced no weights at all: the only model received is its own run's.
    expect(raw.received.some((b) => b.kind === 'model')).toBe(false);
    expect(raw.disconnected).toBe(false);
    raw.close();

    expect((await prod.call('viewer', 'GET', '/api/runs')).status).toBe(200);
    const other = await RawClient.open(prod.url, { ca: prod.ca });
    await other.raw.send({
      kind: 'hello',
      hello: await RawClient.hello('site-b', other.nonce, await prod.enrol('site-b'), ['theirs']),
    });
    expect((await other.raw.next('welcome')).welcome.runIds).toEqual(['theirs']);
    other.raw.close();
  });
});
