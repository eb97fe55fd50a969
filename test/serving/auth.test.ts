import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { TokenSet, authPlugin, hashToken } from '@federa/server';

describe('TokenSet', () => {
  it('accepts plaintext or sha256 configuration and keeps only hashes', () => {
    const set = new TokenSet([
      { token: 'a-token', role: 'viewer' },
      { sha256: hashToken('b-token').toUpperCase(), role: 'admin' },
    ]);
    expect(set.lookup('a-token')).toEqual({ role: 'viewer', tokenId: hashToken('a-token').slice(0, 8) });
    expect(set.lookup('b-token')?.role).toBe('admin');
    expect(set.lookup('a-tokenx')).toBeUndefined();
    expect(set.lookup('')).toBeUndefined();
    expect(JSON.stringify(set)).not.toContain('a-token');
  });

  it('rejects malformed configuration with TypeError', () => {
    expect(() => new TokenSet([{ role: 'viewer' }])).toThrow(TypeError);
    expect(() => new TokenSet([{ sha256: 'abc', role: 'viewer' }])).toThrow(TypeError);
    expect(() => new TokenSet([{ token: 't', role: 'root' as 'admin' }])).toThrow(TypeError);
  });
});

describe('authPlugin', () => {
  it('without tokens auth is off and warns once; requireRole works on routes of other plugins', async () => {
    const warnings: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => warnings.push(line) } },
    });
    await app.register(authPlugin, {});
    app.get('/runs', { preHandler: app.requireRole('researcher') }, async () => ({ ok: true }));
    await app.ready();
    expect((await app.inject('/runs')).statusCode).toBe(200);
    expect((await app.inject('/runs')).statusCode).toBe(200);
    expect(warnings.filter((w) => w.includes('authentication is OFF'))).toHaveLength(1);
    expect(app.authEnabled).toBe(false);
    await app.close();
  });

  it('with tokens, the decorator guards any route and answers typed 401/403 bodies', async () => {
    const app = Fastify();
    await app.register(authPlugin, {
      tokens: [
        { token: 'r', role: 'researcher' },
        { token: 'v', role: 'viewer' },
      ],
    });
    app.post('/runs', { preHandler: app.requireRole('researcher') }, async () => ({ ok: true }));
    const call = (token?: string) =>
      app.inject({
        method: 'POST',
        url: '/runs',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const missing = await call();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(missing.json()).toEqual({
      code: 'FEDERA_ERR_AUTH_MISSING',
      message: 'missing bearer token',
      retryable: false,
    });
    expect((await call('v')).json().code).toBe('FEDERA_ERR_AUTH_FORBIDDEN');
    expect((await call('r')).statusCode).toBe(200);
    await app.close();
  });
});
