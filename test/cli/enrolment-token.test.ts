import { writeFile } from 'node:fs/promises';
import { FederaClient, MemoryKeyStore, enrolDevice, loadOrCreateDeviceKey } from '@federa/client';
import { initTfBackend } from '@federa/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionCoordinator, caFetch, startProductionCoordinator } from '../attacks/production.js';
import { tempDir, tinyData, tinyTopology } from '../helpers/federation.js';
import { federa } from './run-cli.js';

const cleanup: Array<() => Promise<unknown>> = [];
beforeAll(() => initTfBackend(() => {}));
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** `federa enrolment-token …` against the production coordinator, trusting its test CA. */
async function enrolmentToken(prod: ProductionCoordinator, args: string[], role: 'admin' | 'researcher') {
  const dir = await tempDir('federa-ca-');
  cleanup.push(() => dir.remove());
  await writeFile(`${dir.path}/ca.pem`, prod.ca);
  return federa(['enrolment-token', 'create', '--server', prod.url, '--token', prod.tokens[role], ...args], {
    env: { NODE_EXTRA_CA_CERTS: `${dir.path}/ca.pem` },
  });
}

describe('federa enrolment-token create (production configuration)', () => {
  it('issues a run-scoped token once; the client it enrols joins ja and is refused jb, typed', async () => {
    const prod = await startProductionCoordinator();
    cleanup.push(() => prod.close());
    const settings = { rounds: 1, clientsPerRound: 2, minClients: 2 };
    expect(
      (await prod.call('researcher', 'POST', '/api/runs', { id: 'ja', settings, topology: tinyTopology() }))
        .status,
    ).toBe(201);

    // Only an admin may issue one: a researcher gets the server's typed 403, and no token is printed.
    const denied = await enrolmentToken(prod, ['--runs', 'ja'], 'researcher');
    expect([denied.code, denied.stdout]).toEqual([1, '']);
    expect(denied.stderr).toMatch(/FEDERA_ERR_AUTH_FORBIDDEN/);

    const issued = await enrolmentToken(prod, ['--id', 'site-a', '--runs', 'ja', '--ttl', '600'], 'admin');
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^fet_[A-Za-z0-9_-]{43}$/);
    expect(issued.stderr).toMatch(/for site-a; runs ja; until \d{4}-/);

    const key = await loadOrCreateDeviceKey(new MemoryKeyStore(), 'site-a', 'Ed25519');
    await enrolDevice({ url: prod.url, token, clientId: 'site-a', key, fetch: caFetch(prod.ca) });
    const join = (runs: string[]) => {
      const client = new FederaClient({
        url: prod.url,
        clientId: 'site-a',
        runs,
        identity: key,
        ca: prod.ca,
        token: prod.tokens.client,
        data: tinyData(8),
      });
      cleanup.push(() => client.stop());
      return client;
    };
    await expect(join(['jb']).start()).rejects.toMatchObject({ code: 'FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED' });
    await join(['ja']).start();
    expect((await prod.call('viewer', 'GET', '/api/runs/ja/clients')).body).toEqual([
      { clientId: 'site-a', runs: ['ja'], busy: false },
    ]);
  });

  it('--json prints the reply; bad flags are usage errors (exit 2) that reach no coordinator', async () => {
    const prod = await startProductionCoordinator();
    cleanup.push(() => prod.close());
    const issued = await enrolmentToken(prod, ['--runs', 'ja, jb', '--json'], 'admin');
    expect(issued.code, issued.stderr).toBe(0);
    expect(JSON.parse(issued.stdout)).toMatchObject({
      token: expect.stringMatching(/^fet_/),
      runs: ['ja', 'jb'],
    });
    for (const bad of [
      ['--runs', ','],
      ['--ttl', '1.5'],
      ['--ttl', '0'],
    ]) {
      const r = await federa(['enrolment-token', 'create', '--server', 'http://127.0.0.1:9', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
    }
  });
});
