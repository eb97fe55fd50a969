import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProductionCoordinator, startProductionCoordinator } from '../attacks/production.js';
import { tempDir, waitFor } from '../helpers/federation.js';
import { type CliResult, federa, idxBytes, tinyCsv } from './run-cli.js';

// `federa client enrol` and `federa client join --key-dir` against the production configuration
// (docs/identity.md "From the CLI"): identity required, sha256-only role tokens, TLS from a test CA
// that the CLI processes trust through NODE_EXTRA_CA_CERTS.
const oneLine = (r: CliResult, pattern: RegExp) => {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
};

describe('federa client with a device identity, production configuration', () => {
  let prod: ProductionCoordinator | undefined;
  let dir: { path: string; remove(): Promise<void> } | undefined;
  afterAll(async () => {
    await prod?.close();
    await dir?.remove();
  });

  it('enrols two CSV clients from the CLI, signs their hellos and feature statistics, trains to completion; keyless clients are refused', async () => {
    prod = await startProductionCoordinator();
    dir = await tempDir('federa-cli-identity-');
    const caFile = join(dir.path, 'ca.pem');
    writeFileSync(caFile, prod.ca);
    const keyDir = join(dir.path, 'keys');
    const base = { FEDERA_URL: prod.url, NODE_EXTRA_CA_CERTS: caFile };
    const as = (role: 'researcher' | 'client') => ({ ...base, FEDERA_TOKEN: prod!.tokens[role] });

    // An admin issues one enrolment token per device over REST; each device enrols from the CLI.
    const fingerprints = new Map<string, string>();
    for (const [id, algorithm] of [
      ['site-a', 'Ed25519'],
      ['site-b', 'ECDSA-P256'],
    ] as const) {
      const args = ['client', 'enrol', '--id', id, '--key-dir', keyDir, '--algorithm', algorithm];
      // A bad token is the typed error in one line; the key it generated is kept and reused below.
      oneLine(
        await federa([...args, '--enrolment-token', 'fet_nope'], { env: base }),
        /^federa: FEDERA_ERR_IDENTITY_TOKEN_INVALID: /,
      );
      const keyFile = join(keyDir, `${id}.key.json`);
      const keyBefore = readFileSync(keyFile, 'utf8');
      const issued = await prod.call('admin', 'POST', '/api/enrolment-tokens', { clientId: id });
      expect(issued.status, issued.text).toBe(201);
      const enrolled = await federa(args, { env: { ...base, FEDERA_ENROLMENT_TOKEN: issued.body.token } });
      expect(enrolled.code, enrolled.stderr).toBe(0);
      const lines = enrolled.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const fingerprint = /fingerprint (\S+)/.exec(lines[0]!)?.[1];
      expect(fingerprint).toBeDefined();
      fingerprints.set(id, fingerprint!);
      expect(readFileSync(keyFile, 'utf8')).toBe(keyBefore);
      // The private key is readable by its owner only.
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      // The token was one-time: using it again is the typed error in one line.
      const again = await federa([...args, '--enrolment-token', issued.body.token], { env: base });
      oneLine(again, /^federa: FEDERA_ERR_IDENTITY_TOKEN_USED: /);
    }
    expect(statSync(keyDir).mode & 0o777).toBe(0o700);
    // The coordinator holds the keys the CLI printed.
    const devices = (await prod.call('admin', 'GET', '/api/clients')).body as Array<{
      clientId: string;
      fingerprint: string;
    }>;
    for (const [id, fingerprint] of fingerprints)
      expect(devices.find((d) => d.clientId === id)?.fingerprint).toBe(fingerprint);

    const created = await federa(
      [
        'run',
        'create',
        '--id',
        'sites',
        '--model',
        'logistic',
        '--inputs',
        'auto',
        '--rounds',
        '2',
        '--clients-per-round',
        '2',
        '--min-clients',
        '2',
        '--epochs',
        '1',
        '--batch',
        '16',
        '--lr',
        '0.1',
      ],
      { env: as('researcher') },
    );
    expect(created.code, created.stderr).toBe(0);
    // `client join` as a hospital process; CSV data unless `data` says otherwise.
    const joinCli = (id: string, data: string[], env: Record<string, string> = {}) =>
      federa(['client', 'join', '--run', 'sites', '--id', id, ...data], { env: { ...as('client'), ...env } });
    const csv = (name: string, offset: number) => {
      const file = join(dir!.path, `${name}.csv`);
      writeFileSync(file, tinyCsv(60, offset));
      return ['--data', file, '--categorical', 'c', '--label', 'y'];
    };

    // Without a key: an unenrolled id, an enrolled id that cannot sign, and a key directory
    // without the id's key are refused in one line, and none of them counts towards the quorum.
    oneLine(await joinCli('intruder', csv('intruder', 9)), /^federa: FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND: /);
    oneLine(await joinCli('site-a', csv('unsigned', 7)), /^federa: FEDERA_ERR_FEATURES_SIGNATURE: /);
    oneLine(
      await joinCli('site-x', [...csv('site-x', 5), '--key-dir', keyDir]),
      /^federa: no device key for 'site-x' in .*; run 'federa client enrol --id site-x/,
    );
    // Images skip the statistics: an enrolled id that cannot sign is refused at the hello.
    const images = join(dir.path, 'images.idx');
    const labels = join(dir.path, 'labels.idx');
    writeFileSync(
      images,
      idxBytes(
        [4, 2, 2],
        [...Array(16).keys()].map((i) => i * 16),
      ),
    );
    writeFileSync(labels, idxBytes([4], [0, 1, 0, 1]));
    oneLine(
      await joinCli('site-b', ['--data', images, '--format', 'idx', '--labels', labels]),
      /^federa: FEDERA_ERR_SESSION_UNAUTHENTICATED: /,
    );
    expect((await prod.call('client', 'GET', '/api/runs/sites/feature-stats')).body).toMatchObject({
      reporters: 0,
    });

    // The enrolled devices report signed statistics, are admitted by their signed hellos, and train
    // (the key directory by flag, or by FEDERA_KEY_DIR).
    const joins = [
      joinCli('site-a', [...csv('site-a', 0), '--key-dir', keyDir]),
      joinCli('site-b', csv('site-b', 1), { FEDERA_KEY_DIR: keyDir }),
    ];
    await waitFor(
      async () => (await prod!.call('researcher', 'GET', '/api/runs/sites')).body?.specs?.length > 0,
      60_000,
    );
    await waitFor(async () => prod!.server.coordinator.pool.connectedCount === 2, 60_000);
    expect((await prod.call('researcher', 'POST', '/api/runs/sites/start')).status).toBe(200);
    for (const r of await Promise.all(joins)) {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/run sites completed after 2 rounds/);
    }
    expect((await prod.call('researcher', 'GET', '/api/runs/sites')).body).toMatchObject({
      status: 'completed',
    });
  }, 180_000);
});
