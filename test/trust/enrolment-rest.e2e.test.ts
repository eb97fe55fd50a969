import { generateDeviceKey, toBase64 } from '@federa/client';
import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/federation.js';
import { TOKENS, api, tokenConfig } from './admin-api.js';

let server: FederaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(enrolPerMinute = 100): Promise<string> {
  const started = await startServer({ serving: false, tokens: tokenConfig, identity: { enrolPerMinute } });
  server = started.server;
  return started.url;
}

async function enrolBody(token: string, clientId: string) {
  const key = await generateDeviceKey('Ed25519');
  return { token, clientId, publicKey: toBase64(key.publicKeySpki), algorithm: 'Ed25519' };
}

describe('enrolment REST', () => {
  it('admin routes refuse viewer and researcher tokens (403) and missing tokens (401) with typed codes', async () => {
    const url = await start();
    const routes: Array<[string, string]> = [
      ['POST', '/api/enrolment-tokens'],
      ['GET', '/api/clients'],
      ['POST', '/api/clients/site-1/revoke'],
      ['GET', '/api/audit'],
    ];
    for (const [method, path] of routes) {
      for (const role of ['viewer', 'researcher'] as const) {
        const res = await api(url, TOKENS[role])(method, path, method === 'POST' ? {} : undefined);
        expect([res.status, res.body.code], `${role} ${method} ${path}`).toEqual([
          403,
          'FEDERA_ERR_AUTH_FORBIDDEN',
        ]);
      }
      const anon = await api(url)(method, path, method === 'POST' ? {} : undefined);
      expect([anon.status, anon.body.code]).toEqual([401, 'FEDERA_ERR_AUTH_MISSING']);
    }
  });

  it('a token enrols once, is returned once and stored only hashed', async () => {
    const url = await start();
    const admin = api(url, TOKENS.admin);
    const issued = await admin('POST', '/api/enrolment-tokens', {});
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^fet_[A-Za-z0-9_-]{43}$/);
    const enrol = api(url);
    const first = await enrol('POST', '/api/clients/enrol', await enrolBody(issued.body.token, 'site-1'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      clientId: 'site-1',
      algorithm: 'Ed25519',
      enrolmentTokenId: issued.body.tokenId,
    });
    const reuse = await enrol('POST', '/api/clients/enrol', await enrolBody(issued.body.token, 'site-2'));
    expect([reuse.status, reuse.body.code]).toEqual([409, 'FEDERA_ERR_IDENTITY_TOKEN_USED']);
    const listed = await admin('GET', '/api/clients');
    expect(listed.body.map((c: { clientId: string }) => c.clientId)).toEqual(['site-1']);
    // Nothing in the store holds the plaintext token.
    const dump: string[] = [];
    for await (const [k, v] of server!.store.db.iterator()) dump.push(`${k}=${JSON.stringify(v)}`);
    expect(dump.join('\n')).not.toContain(issued.body.token);
    expect(dump.join('\n')).not.toContain(TOKENS.admin);
  });

  it('refuses unknown, expired, bound-to-another-id tokens, bad keys and a second enrolment', async () => {
    const url = await start();
    const admin = api(url, TOKENS.admin);
    const enrol = api(url);
    const unknown = await enrol('POST', '/api/clients/enrol', await enrolBody('fet_nope', 'site-x'));
    expect([unknown.status, unknown.body.code]).toEqual([401, 'FEDERA_ERR_IDENTITY_TOKEN_INVALID']);

    const bound = await admin('POST', '/api/enrolment-tokens', { clientId: 'site-b' });
    const mismatch = await enrol('POST', '/api/clients/enrol', await enrolBody(bound.body.token, 'site-c'));
    expect([mismatch.status, mismatch.body.code]).toEqual([403, 'FEDERA_ERR_IDENTITY_CLIENT_MISMATCH']);

    const badKey = await enrol('POST', '/api/clients/enrol', {
      ...(await enrolBody(bound.body.token, 'site-b')),
      publicKey: toBase64(new Uint8Array(32).fill(7).subarray(0, 31)),
    });
    expect([badKey.status, badKey.body.code]).toEqual([400, 'FEDERA_ERR_IDENTITY_KEY_INVALID']);
    // Failed attempts do not consume the token.
    expect(
      (await enrol('POST', '/api/clients/enrol', await enrolBody(bound.body.token, 'site-b'))).status,
    ).toBe(201);

    const unbound = await admin('POST', '/api/enrolment-tokens', {});
    const twice = await enrol('POST', '/api/clients/enrol', await enrolBody(unbound.body.token, 'site-b'));
    expect([twice.status, twice.body.code]).toEqual([409, 'FEDERA_ERR_IDENTITY_ALREADY_ENROLLED']);

    const expiring = await server!.identity!.tokens.issue({
      createdBy: 'test',
      ttlMs: 1,
      now: Date.now() - 1000,
    });
    const expired = await enrol('POST', '/api/clients/enrol', await enrolBody(expiring.token, 'site-e'));
    expect([expired.status, expired.body.code]).toEqual([401, 'FEDERA_ERR_IDENTITY_TOKEN_INVALID']);

    const missing = await admin('POST', '/api/clients/nobody/revoke');
    expect([missing.status, missing.body.code]).toEqual([404, 'FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND']);
  });

  it('concurrent enrolments with one token: exactly one wins', async () => {
    const url = await start();
    const issued = await api(url, TOKENS.admin)('POST', '/api/enrolment-tokens', {});
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) =>
        api(url)('POST', '/api/clients/enrol', await enrolBody(issued.body.token, `race-${i}`)),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.body.code === 'FEDERA_ERR_IDENTITY_TOKEN_USED')).toHaveLength(4);
  });

  it('limits enrolment attempts per IP (brute-force protection) with RATE_LIMITED and Retry-After', async () => {
    const url = await start(3);
    const codes: Array<string | undefined> = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/api/clients/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(await enrolBody(`fet_guess${i}`, 'site-g')),
      });
      codes.push(((await res.json()) as { code?: string }).code);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(codes).toEqual([
      'FEDERA_ERR_IDENTITY_TOKEN_INVALID',
      'FEDERA_ERR_IDENTITY_TOKEN_INVALID',
      'FEDERA_ERR_IDENTITY_TOKEN_INVALID',
      'FEDERA_ERR_RATE_LIMITED',
      'FEDERA_ERR_RATE_LIMITED',
    ]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
