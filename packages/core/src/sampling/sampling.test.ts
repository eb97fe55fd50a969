import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from './prng.js';
import { sampleClients } from './sample-clients.js';
import { sha256 } from './sha256.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const utf8 = (s: string) => new TextEncoder().encode(s);
const ids = Array.from({ length: 50 }, (_, i) => `client-${i}`);

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('matches the FIPS 180-4 example for %j', (input, digest) => {
    expect(hex(sha256(utf8(input)))).toBe(digest);
  });

  it('agrees with WebCrypto on arbitrary input, across block boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const expected = new Uint8Array(
          await globalThis.crypto.subtle.digest('SHA-256', Uint8Array.from(bytes)),
        );
        expect(hex(sha256(bytes))).toBe(hex(expected));
      }),
      { numRuns: 60 },
    );
  });
});

describe('seededRandom', () => {
  it('is reproducible per seed, differs across seeds, and stays in [0, 1)', () => {
    const a = seededRandom('s1');
    const b = seededRandom('s1');
    const c = seededRandom('s2');
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('fills ten equal bins evenly (χ² with 9 df, fixed seed so the outcome is deterministic)', () => {
    const rand = seededRandom('bins');
    const bins = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) bins[Math.floor(rand() * 10)]++;
    const chi2 = bins.reduce((s, o) => s + (o - draws / 10) ** 2 / (draws / 10), 0);
    expect(chi2).toBeLessThan(27.88); // 99.9th percentile of χ²₉
  });
});

describe('sampleClients', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes max(minClients, ⌈fraction·N⌉) distinct available clients, capped at N', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 60 }),
        (n, fraction, minClients) => {
          const pool = ids.slice(0, n);
          if (minClients > n) {
            expect(() => sampleClients(pool, { fraction, minClients, round: 0 })).toThrow(
              expect.objectContaining({ code: 'FEDERA_ERR_SAMPLING_TOO_FEW_CLIENTS', retryable: true }),
            );
            return;
          }
          const picked = sampleClients(pool, { fraction, minClients, round: 0, seed: 'p' });
          expect(picked.length).toBe(Math.min(n, Math.max(minClients, Math.ceil(fraction * n))));
          expect(new Set(picked).size).toBe(picked.length);
          expect(picked.every((id) => pool.includes(id))).toBe(true);
        },
      ),
    );
  });

  it('count overrides fraction', () => {
    expect(sampleClients(ids, { count: 7, fraction: 0.5, minClients: 2, round: 1 })).toHaveLength(7);
  });

  it('with a seed depends only on (seed, round, set of ids), not on their order', () => {
    const reversed = [...ids].reverse();
    const a = sampleClients(ids, { count: 10, minClients: 1, seed: 'exp', round: 3 });
    expect(sampleClients(reversed, { count: 10, minClients: 1, seed: 'exp', round: 3 })).toEqual(a);
    expect(sampleClients(ids, { count: 10, minClients: 1, seed: 'exp', round: 4 })).not.toEqual(a);
    expect(sampleClients(ids, { count: 10, minClients: 1, seed: 'other', round: 3 })).not.toEqual(a);
  });

  it('without a seed draws from crypto.getRandomValues, never Math.random', () => {
    const crypto = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const random = vi.spyOn(Math, 'random');
    sampleClients(ids, { count: 5, minClients: 1, round: 0 });
    expect(crypto).toHaveBeenCalled();
    expect(random).not.toHaveBeenCalled();
  });

  it('picks every client about equally often over many seeded rounds (χ² with 49 df)', () => {
    const counts = new Map(ids.map((id) => [id, 0]));
    const rounds = 4000;
    for (let round = 0; round < rounds; round++) {
      for (const id of sampleClients(ids, { count: 5, minClients: 1, seed: 'uniform', round })) {
        counts.set(id, counts.get(id)! + 1);
      }
    }
    const expected = (rounds * 5) / ids.length;
    const chi2 = [...counts.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(85.35); // 99.9th percentile of χ²₄₉
  });

  it('refuses duplicate ids as a programmer error', () => {
    expect(() => sampleClients(['a', 'a'], { minClients: 1, round: 0 })).toThrow(TypeError);
  });
});
