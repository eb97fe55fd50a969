import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_ROUTES, hashToken } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, federa, serverProcess } from '../cli/run-cli.js';
import { tempDir } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { type ProductionCoordinator, type Reply, startProductionCoordinator } from './production.js';

// Issue 11 row 2: `federa server start` could not be given tokens, so the Dockerfile and the k8s
// manifest ran an open coordinator on 0.0.0.0 where every route answered anyone.

type Call = (method: string, path: string, bearer?: string) => Promise<Reply>;
interface Operation {
  method: string;
  path: string;
}

/** Every operation of /docs/json, with path parameters filled in. */
async function operations(call: Call): Promise<Operation[]> {
  const docs = await call('GET', '/docs/json');
  expect(docs.status).toBe(200);
  const paths = docs.body.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{\*\}/g, 'x').replace(/\{[^}]+\}/g, '1'),
    })),
  );
}

const PUBLIC = new Set([...PUBLIC_ROUTES].map((r) => r.replace(/:file$/, '1')));
const isPublic = (op: Operation) => op.method === 'OPTIONS' || PUBLIC.has(`${op.method} ${op.path}`);

/** Walks /docs/json: anonymous callers get 401 except on the public routes; a token gets past the gate. */
async function expectClosedToAnonymous(call: Call, adminToken: string): Promise<void> {
  const ops = await operations(call);
  expect(ops.length).toBeGreaterThan(30);
  const open: string[] = [];
  for (const op of ops) {
    const reply = await call(op.method, op.path);
    if (isPublic(op)) continue;
    if (reply.status !== 401 || !reply.body?.code?.startsWith('FEDERA_ERR_AUTH_')) {
      open.push(`${op.method} ${op.path} → ${reply.status}`);
    }
    const admitted = await call(op.method, op.path, adminToken);
    expect(admitted.status, `${op.method} ${op.path} with the admin token`).not.toBe(401);
  }
  expect(open).toEqual([]);
  expect((await call('GET', '/healthz')).status).toBe(200);
  expect((await call('GET', '/v2/health/ready')).status).toBe(200);
}

function expectOneLine(r: CliResult, pattern: RegExp, code: number): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('row 2: federa server start is secure by default', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('federa-row02-');
  });
  afterAll(() => dir?.remove());

  it('refuses a non-loopback host with auth off, with one line, unless --insecure-no-auth says so', async () => {
    const store = join(dir.path, 'refused');
    expectOneLine(
      await federa(['server', 'start', '--host', '0.0.0.0', '--store', store]),
      /refusing to serve 0\.0\.0\.0 with authentication off: give --tokens-file/,
      2,
    );
    // The container image sets FEDERA_HOST=0.0.0.0: the same refusal from the environment.
    expectOneLine(
      await federa(['server', 'start', '--store', store], { env: { FEDERA_HOST: '0.0.0.0' } }),
      /refusing to serve 0\.0\.0\.0/,
      2,
    );
    const open = await serverProcess(['--host', '0.0.0.0', '--insecure-no-auth', '--store', store]);
    const url = open.url.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${url}/api/runs`)).status).toBe(200);
    expect(await open.stop()).toBe(0);
  });

  it('token create prints an admin token once and stores only its sha256, mode 0600', async () => {
    const file = join(dir.path, 'tokens.json');
    const created = await federa(['token', 'create', '--role', 'admin', '--tokens-file', file]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^fed_admin_[A-Za-z0-9_-]{43}$/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual([
      { role: 'admin', sha256: hashToken(token), createdAt: expect.any(String) },
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await federa(['token', 'create', '--role', 'client', '--tokens-file', file, '--json']);
    expect(JSON.parse(second.stdout).role).toBe('client');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('with a tokens file it serves 0.0.0.0, and every route of /docs/json but health, docs and enrolment refuses anonymous callers', async () => {
    const file = join(dir.path, 'walk-tokens.json');
    const admin = (await federa(['token', 'create', '--role', 'admin', '--tokens-file', file])).stdout.trim();
    const server = await serverProcess(
      ['--host', '0.0.0.0', '--identity', 'required', '--store', join(dir.path, 'walk')],
      { FEDERA_TOKENS_FILE: file },
    );
    try {
      const base = server.url.replace('0.0.0.0', '127.0.0.1');
      const call: Call = async (method, path, bearer) => {
        const res = await fetch(new URL(path, base), {
          method,
          headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        });
        const text = await res.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {}
        return { status: res.status, body, text };
      };
      await expectClosedToAnonymous(call, admin);
      // Enrolment is open to the device (its one-time token is the credential) and refuses a bad one.
      const enrol = await fetch(`${base}/api/clients/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'nope', clientId: 'a', publicKey: 'AAAA', algorithm: 'Ed25519' }),
      });
      expect(enrol.status).toBeGreaterThanOrEqual(400);
      expect(enrol.status).toBeLessThan(500);
      // The socket plane too: identity is required, so an unsigned hello is refused.
      const { raw, nonce } = await RawClient.open(base);
      await raw.send({ kind: 'hello', hello: await RawClient.hello('stranger', nonce) });
      expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNAUTHENTICATED');
      raw.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses a tokens file holding a plaintext token or a bad digest, with one line', async () => {
    const plain = join(dir.path, 'plain.json');
    writeFileSync(plain, JSON.stringify([{ role: 'admin', token: 'secret' }]));
    expectOneLine(
      await federa(['server', 'start', '--tokens-file', plain, '--store', join(dir.path, 'p')]),
      /plaintext "token" refused/,
      1,
    );
    writeFileSync(plain, JSON.stringify([{ role: 'root', sha256: 'ab' }]));
    expectOneLine(
      await federa(['server', 'start', '--tokens-file', plain, '--store', join(dir.path, 'p')]),
      /role must be one of/,
      1,
    );
  });
});

describe('row 2: the production coordinator', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator();
  });
  afterAll(() => prod?.close());

  it('refuses anonymous callers on every route of /docs/json but health, docs and enrolment', async () => {
    const call: Call = (method, path, bearer) =>
      prod.call(
        bearer ? 'admin' : undefined,
        method,
        path,
        ['POST', 'PUT'].includes(method) ? {} : undefined,
      );
    await expectClosedToAnonymous(call, prod.tokens.admin);
    // A body that fails validation is never read for an anonymous caller: auth comes first.
    expect((await prod.call(undefined, 'POST', '/api/runs', '{not json')).status).toBe(401);
  });
});
