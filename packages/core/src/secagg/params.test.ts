import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import { deriveSecAggParams, quantizationErrorBound } from './params.js';
import { decodeAggregate, quantizeUpdate, wordToSigned } from './quantize.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isFederaError(e) ? e.code : 'not a FederaError';
  }
  return undefined;
}

describe('deriveSecAggParams', () => {
  it('picks an even k of O(log n) with t > k/2, and the complete graph for small n', () => {
    const p = deriveSecAggParams(1000, { dropoutRate: 0.1 });
    expect(p.neighbours % 2).toBe(0);
    expect(p.neighbours).toBeGreaterThanOrEqual(2 * Math.ceil(Math.log2(1000)));
    expect(p.neighbours).toBeLessThan(100);
    expect(p.threshold).toBe(p.neighbours / 2 + 1);
    expect(deriveSecAggParams(10, { dropoutRate: 0.3 }).neighbours).toBe(9);
  });

  it('derives the largest overflow-free quantization and rejects one that overflows', () => {
    const p = deriveSecAggParams(100, { maxWeight: 1024 });
    expect(100 * 1024 * 2 ** (p.quantizationBits - 1)).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(100 * 1024 * 2 ** p.quantizationBits).toBeGreaterThan(2 ** 31 - 1);
    expect(
      codeOf(() => deriveSecAggParams(100, { maxWeight: 1024, quantizationBits: p.quantizationBits + 1 })),
    ).toBe('FEDERA_ERR_SECAGG_OVERFLOW');
    expect(codeOf(() => deriveSecAggParams(1000, { maxWeight: 2 ** 22, modulusBits: 32 }))).toBe(
      'FEDERA_ERR_SECAGG_OVERFLOW',
    );
  });

  it('rejects thresholds at or below k/2, odd sparse k and bad sizes', () => {
    expect(codeOf(() => deriveSecAggParams(20, { neighbours: 6, threshold: 3 }))).toBe(
      'FEDERA_ERR_SECAGG_CONFIG_INVALID',
    );
    expect(codeOf(() => deriveSecAggParams(20, { neighbours: 5 }))).toBe('FEDERA_ERR_SECAGG_CONFIG_INVALID');
    expect(codeOf(() => deriveSecAggParams(20, { neighbours: 20 }))).toBe('FEDERA_ERR_SECAGG_CONFIG_INVALID');
    expect(codeOf(() => deriveSecAggParams(2))).toBe('FEDERA_ERR_SECAGG_CONFIG_INVALID');
    expect(codeOf(() => deriveSecAggParams(20, { modulusBits: 33 }))).toBe(
      'FEDERA_ERR_SECAGG_CONFIG_INVALID',
    );
  });
});

describe('weighted fixed-point encoding', () => {
  it('sums of n worst-case updates decode within the bound and never overflow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 200 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.constantFrom(16, 24, 32),
        fc.array(
          fc.tuple(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 10_000 })),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (n, maxWeight, clipRange, modulusBits, updates) => {
          let params: ReturnType<typeof deriveSecAggParams>;
          try {
            params = deriveSecAggParams(n, { maxWeight, clipRange, modulusBits });
          } catch {
            return; // overflow-impossible combination, rejected by design
          }
          const used = updates.slice(0, n);
          const mask = modulusBits === 32 ? 0xffffffff : 2 ** modulusBits - 1;
          const sum = new Uint32Array(2);
          let exact = 0;
          let weight = 0;
          for (const [v, examples] of used) {
            const q = quantizeUpdate(new Float32Array([v]), examples, params);
            for (let j = 0; j < 2; j++) sum[j] = (sum[j]! + q[j]!) & mask;
            const w = Math.min(examples, maxWeight);
            exact += w * Math.max(-clipRange, Math.min(clipRange, Math.fround(v)));
            weight += w;
          }
          const { weightedMeanDelta, totalWeight } = decodeAggregate(sum, params, used.length);
          expect(totalWeight).toBe(weight);
          expect(Math.abs(weightedMeanDelta[0]! - exact / weight)).toBeLessThanOrEqual(
            quantizationErrorBound(params),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('negative values wrap mod 2^m and decode symmetrically', () => {
    const params = deriveSecAggParams(10, { modulusBits: 24, maxWeight: 8 });
    const words = quantizeUpdate(new Float32Array([-1, 1, -params.clipRange * 3]), 1, params);
    expect(words[0]).toBeGreaterThan(2 ** 23);
    expect(wordToSigned(words[0]!, 24)).toBe(-wordToSigned(words[1]!, 24));
    expect(wordToSigned(words[2]!, 24)).toBe(-(2 ** (params.quantizationBits - 1)));
  });

  it('rejects NaN, non-integer example counts and impossible totals', () => {
    const params = deriveSecAggParams(10);
    expect(codeOf(() => quantizeUpdate(new Float32Array([Number.NaN]), 1, params))).toBe(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
    );
    expect(codeOf(() => quantizeUpdate(new Float32Array([0]), 0, params))).toBe(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
    );
    expect(codeOf(() => quantizeUpdate(new Float32Array([0]), 1.5, params))).toBe(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
    );
    expect(codeOf(() => decodeAggregate(new Uint32Array([0, 0]), params, 2))).toBe(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
    );
  });
});
