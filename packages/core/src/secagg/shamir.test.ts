import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_PRIME, bigIntToBytes, decodeFieldElement, encodeFieldElement, inverse, mod } from './field.js';
import { reconstructSecret, splitSecret } from './shamir.js';

const secret256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });

/** k in [2, 24], t in [1, k], and the k points in a random order. */
const scheme = fc.integer({ min: 2, max: 24 }).chain((k) =>
  fc.tuple(
    fc.constant(k),
    fc.integer({ min: 1, max: k }),
    fc.shuffledSubarray(
      Array.from({ length: 60 }, (_, i) => i + 1),
      { minLength: k, maxLength: k },
    ),
  ),
);

describe('Shamir t-of-k over GF(2^256 + 297)', () => {
  it('any t shares reconstruct the secret', () => {
    fc.assert(
      fc.property(secret256, scheme, fc.infiniteStream(fc.boolean()), (secret, [, t, xs], coin) => {
        const shares = splitSecret(secret, t, xs);
        const subset = [...shares].sort(() => (coin.next().value ? 1 : -1)).slice(0, t);
        expect(reconstructSecret(subset)).toBe(secret);
        expect(reconstructSecret(shares)).toBe(secret);
      }),
      { numRuns: 150 },
    );
  });

  it('t - 1 shares give a wrong value (the missing share is uniformly random)', () => {
    fc.assert(
      fc.property(
        secret256,
        scheme.filter(([, t]) => t >= 2),
        (secret, [, t, xs]) => {
          const shares = splitSecret(secret, t, xs);
          expect(reconstructSecret(shares.slice(0, t - 1))).not.toBe(secret);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('shares of a fixed secret are fresh and spread over the field (top bit)', () => {
    const bins = new Array<number>(3).fill(0);
    for (let i = 0; i < 400; i++) bins[Number(splitSecret(7n, 2, [1, 2])[0]!.y >> 255n)]!++;
    // If coefficients were not random, every share of 7 at x=1 would be identical.
    expect(new Set(Array.from({ length: 5 }, () => splitSecret(7n, 2, [1, 2])[0]!.y)).size).toBe(5);
    expect(bins[0]).toBeGreaterThan(100);
    expect(bins[1]).toBeGreaterThan(100);
  });

  it('rejects bad thresholds and points', () => {
    expect(() => splitSecret(1n, 0, [1, 2])).toThrow(TypeError);
    expect(() => splitSecret(1n, 3, [1, 2])).toThrow(TypeError);
    expect(() => splitSecret(1n, 2, [1, 1])).toThrow(TypeError);
    expect(() => splitSecret(1n, 1, [0])).toThrow(TypeError);
    expect(() => reconstructSecret([])).toThrow(TypeError);
  });
});

describe('field arithmetic', () => {
  it('p is 2^256 + 297 and every 32-byte secret is below it', () => {
    expect(FIELD_PRIME).toBe((1n << 256n) + 297n);
    expect((1n << 256n) - 1n < FIELD_PRIME).toBe(true);
  });

  it('reduces negatives and p itself', () => {
    expect(mod(-1n)).toBe(FIELD_PRIME - 1n);
    expect(mod(FIELD_PRIME)).toBe(0n);
    expect(mod(2n * FIELD_PRIME + 5n)).toBe(5n);
  });

  it('inverse: a · a^-1 = 1, including p - 1, and 0 has none', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: FIELD_PRIME - 1n }), (a) => {
        expect(mod(a * inverse(a))).toBe(1n);
      }),
    );
    expect(inverse(FIELD_PRIME - 1n)).toBe(FIELD_PRIME - 1n);
    expect(inverse(1n)).toBe(1n);
    expect(() => inverse(0n)).toThrow(RangeError);
    expect(() => inverse(FIELD_PRIME)).toThrow(RangeError);
  });

  it('encodes to 33 bytes and rejects non-canonical encodings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: FIELD_PRIME - 1n }), (v) => {
        expect(decodeFieldElement(encodeFieldElement(v))).toBe(v);
      }),
    );
    expect(decodeFieldElement(bigIntToBytes(FIELD_PRIME, 33))).toBeUndefined();
    expect(decodeFieldElement(new Uint8Array(32))).toBeUndefined();
    expect(() => bigIntToBytes(1n << 264n, 33)).toThrow(RangeError);
  });
});
