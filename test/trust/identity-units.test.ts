import { generateDeviceKey, signChallenge, toBase64 } from '@federa/client';
import { helloSigningInput } from '@federa/protocol';
import { AuditLog, FederaStore, KeyedRateLimiter, parsePublicKey, verifySignature } from '@federa/server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/federation.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('challenge signatures', () => {
  it('the signing input binds context, nonce and id without ambiguity', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ maxLength: 64 }),
        (nonce, id) => {
          const input = helloSigningInput(nonce, id);
          expect(new TextDecoder().decode(input.subarray(0, 15))).toBe('federa-v1-hello');
          expect(input.subarray(15, 47)).toEqual(nonce);
          expect(new TextDecoder().decode(input.subarray(47))).toBe(id);
        },
      ),
    );
  });

  for (const algorithm of ['Ed25519', 'ECDSA-P256'] as const) {
    it(`${algorithm}: a WebCrypto signature verifies server-side only for its own nonce and id`, async () => {
      const key = await generateDeviceKey(algorithm);
      const pk = parsePublicKey(toBase64(key.publicKeySpki), algorithm);
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
          async (nonce, otherNonce, id) => {
            const sig = await signChallenge(key, nonce, id);
            expect(verifySignature(pk, helloSigningInput(nonce, id), sig)).toBe(true);
            const sameNonce = nonce.every((b, i) => b === otherNonce[i]);
            expect(verifySignature(pk, helloSigningInput(otherNonce, id), sig)).toBe(sameNonce);
            expect(verifySignature(pk, helloSigningInput(nonce, `${id}x`), sig)).toBe(false);
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it('accepts raw and SPKI encodings and rejects a key of the wrong algorithm', async () => {
    const ed = await generateDeviceKey('Ed25519');
    const ec = await generateDeviceKey('ECDSA-P256');
    const rawEd = ed.publicKeySpki.subarray(ed.publicKeySpki.length - 32);
    const rawEc = ec.publicKeySpki.subarray(ec.publicKeySpki.length - 65);
    expect(parsePublicKey(toBase64(rawEd), 'Ed25519').fingerprint).toBe(
      parsePublicKey(toBase64(ed.publicKeySpki), 'Ed25519').fingerprint,
    );
    expect(parsePublicKey(toBase64(rawEc), 'ECDSA-P256').algorithm).toBe('ECDSA-P256');
    const code = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    expect(code(() => parsePublicKey(toBase64(ed.publicKeySpki), 'ECDSA-P256'))).toBe(
      'FEDERA_ERR_IDENTITY_KEY_INVALID',
    );
    expect(code(() => parsePublicKey('AAAA', 'Ed25519'))).toBe('FEDERA_ERR_IDENTITY_KEY_INVALID');
    expect(code(() => parsePublicKey(toBase64(rawEd), 'RSA'))).toBe('FEDERA_ERR_IDENTITY_KEY_INVALID');
  });
});

describe('KeyedRateLimiter', () => {
  it('admits the burst, refills at the rate, and disconnects after sustained refusals', () => {
    const limiter = new KeyedRateLimiter({ messagesPerSecond: 2, messageBurst: 3, disconnectAfter: 4 });
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => limiter.take('a', 10, t0))).toEqual(['ok', 'ok', 'ok']);
    expect(limiter.take('a', 10, t0)).toBe('limited');
    expect(limiter.take('b', 10, t0)).toBe('ok');
    expect(limiter.take('a', 10, t0 + 500)).toBe('ok');
    expect(limiter.take('a', 10, t0 + 500)).toBe('limited');
    expect(limiter.take('a', 10, t0 + 500)).toBe('limited');
    expect(limiter.take('a', 10, t0 + 500)).toBe('disconnect');
  });

  it('limits bytes independently of messages', () => {
    const limiter = new KeyedRateLimiter({ bytesPerSecond: 100, byteBurst: 150 });
    expect(limiter.take('a', 100, 0)).toBe('ok');
    expect(limiter.take('a', 100, 0)).toBe('limited');
    expect(limiter.take('a', 100, 500)).toBe('ok');
  });

  it('sweeps idle buckets and rejects nonsense limits', () => {
    const limiter = new KeyedRateLimiter({
      messagesPerSecond: 10,
      messageBurst: 10,
      bytesPerSecond: 1e6,
      byteBurst: 1e6,
    });
    for (let i = 0; i < 50; i++) limiter.take(`k${i}`, 1, 0);
    expect(limiter.size).toBe(50);
    limiter.sweep(2_000);
    expect(limiter.size).toBe(0);
    expect(() => new KeyedRateLimiter({ messagesPerSecond: 0 })).toThrow(TypeError);
  });
});

describe('AuditLog', () => {
  it('keeps strictly increasing sequence numbers across reopen, filters by type prefix and since', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    let store = await FederaStore.open(dir.path);
    let log = await AuditLog.open(store);
    const actor = { role: 'admin', tokenId: 'abcd1234' };
    await Promise.all(
      ['run.create', 'run.start', 'round.committed', 'round.failed'].map((type) =>
        log.append({ type, actor }),
      ),
    );
    await store.close();
    store = await FederaStore.open(dir.path);
    cleanup.push(() => store.close());
    log = await AuditLog.open(store);
    const fifth = await log.append({ type: 'client.revoke', actor, target: 'h1' });
    expect(fifth.seq).toBe(5);
    const all = await log.query();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await log.query({ type: 'round.' })).map((e) => e.type)).toEqual([
      'round.committed',
      'round.failed',
    ]);
    expect((await log.query({ type: 'run.start' })).map((e) => e.seq)).toEqual([2]);
    expect((await log.query({ since: 3 })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await log.query({ since: 1, limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
    expect(await log.query({ since: '2999-01-01T00:00:00Z' })).toEqual([]);
  });
});
