import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFederaError } from './errors.js';
import { StreamingWeightedMean } from './fedavg.js';
import type { TensorSpec, Weights } from './weights.js';

/** The plain float64 definition, element by element in arrival order: what the unrolled code must equal bit for bit. */
function referenceMean(updates: Weights[], weights: number[]): Weights {
  const total = weights.reduce((s, w) => s + w, 0);
  return updates[0]!.map((t, i) =>
    t.map((_, j) => {
      let sum = 0;
      updates.forEach((u, k) => {
        sum += weights[k]! * u[i]![j]!;
      });
      return sum * (1 / total);
    }),
  );
}

const specsFor = (sizes: number[]): TensorSpec[] => sizes.map((n, i) => ({ name: `t${i}`, shape: [n] }));
const f32 = fc.float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isFederaError(e) ? e.code : 'not a FederaError';
  }
  return undefined;
}

describe('StreamingWeightedMean', () => {
  it('equals the plain float64 weighted mean exactly, for any tensor sizes (unroll remainders included)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 37 }), { minLength: 1, maxLength: 4 })
          .chain((sizes) =>
            fc.tuple(
              fc.constant(sizes),
              fc.array(
                fc.tuple(
                  fc.tuple(
                    ...sizes.map((n) =>
                      fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true }),
                    ),
                  ),
                  fc.integer({ min: 1, max: 10_000 }),
                ),
                { minLength: 1, maxLength: 6 },
              ),
            ),
          ),
        ([sizes, updates]) => {
          const mean = new StreamingWeightedMean(specsFor(sizes));
          for (const [delta, w] of updates) mean.add(delta, w);
          const expected = referenceMean(
            updates.map(([d]) => d),
            updates.map(([, w]) => w),
          );
          expect(mean.finish()).toEqual(expected);
          expect(mean.count).toBe(updates.length);
        },
      ),
    );
  });

  it('keeps float64 accuracy over 100 large updates', () => {
    const n = 10_001;
    const mean = new StreamingWeightedMean(specsFor([n]));
    let exactSum = 0;
    let totalWeight = 0;
    for (let k = 0; k < 100; k++) {
      const value = 1 + k / 1024; // exactly representable, so the exact mean is known
      mean.add([new Float32Array(n).fill(value)], 50 + k);
      exactSum += (50 + k) * value;
      totalWeight += 50 + k;
    }
    const out = mean.finish()[0]!;
    expect(out.every((v) => v === Math.fround(exactSum / totalWeight))).toBe(true);
  });

  it('rejects a non-finite value anywhere and changes nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        f32,
        (position, bad, rawFill) => {
          // 0 + 3·(-0) is +0 in the accumulator; compare the value, not the sign of zero.
          const fill = rawFill + 0;
          const specs = specsFor([13, 8]);
          const mean = new StreamingWeightedMean(specs);
          const good: Weights = [new Float32Array(13).fill(fill), new Float32Array(8).fill(2)];
          mean.add(good, 3);
          const poisoned = good.map((t) => t.slice());
          poisoned[position < 13 ? 0 : 1]![position % 13]! = bad;
          expect(codeOf(() => mean.add(poisoned, 1))).toBe('FEDERA_ERR_CORE_NOT_FINITE');
          expect(mean.count).toBe(1);
          expect(mean.weight).toBe(3);
          expect(mean.finish()).toEqual(good);
        },
      ),
    );
  });

  it('accepts extreme finite values, -0 and subnormals', () => {
    const mean = new StreamingWeightedMean(specsFor([4]));
    mean.add([Float32Array.of(3.4e38, -3.4e38, -0, 1e-45)], 1);
    expect(Array.from(mean.finish()[0]!)).toEqual([
      Math.fround(3.4e38),
      Math.fround(-3.4e38),
      0,
      Math.fround(1e-45),
    ]);
  });

  it('rejects wrong layouts and bad weights with typed errors', () => {
    const mean = new StreamingWeightedMean(specsFor([3, 2]));
    expect(codeOf(() => mean.add([new Float32Array(3)], 1))).toBe('FEDERA_ERR_CORE_SHAPE_MISMATCH');
    expect(codeOf(() => mean.add([new Float32Array(3), new Float32Array(3)], 1))).toBe(
      'FEDERA_ERR_CORE_SHAPE_MISMATCH',
    );
    for (const w of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => mean.add([new Float32Array(3), new Float32Array(2)], w))).toBe(
        'FEDERA_ERR_CORE_BAD_WEIGHT',
      );
    }
    expect(codeOf(() => mean.finish())).toBe('FEDERA_ERR_CORE_NO_UPDATES');
  });
});
