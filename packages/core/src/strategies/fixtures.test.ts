import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coordinatewise, medianOfSorted, trimmedMeanOfSorted } from './coordinatewise.js';
import { krumScores } from './krum-math.js';
import { createStrategy } from './registry.js';
import { aggregate, plain, update, vectorSpecs } from './test-helpers.js';

const v1 = vectorSpecs(1);
const v2 = vectorSpecs(2);
const scalars = (xs: number[]) => xs.map((x, i) => update([[x]], 1, `c${i}`));

describe('hand-computed aggregates', () => {
  it('FedAvg weights by examples: [1,2]×1 and [3,4]×3 → [2.5, 3.5]', () => {
    const out = aggregate(createStrategy({ name: 'fedavg' }), v2, [update([[1, 2]], 1), update([[3, 4]], 3)]);
    expect(plain(out)).toEqual([[2.5, 3.5]]);
  });

  it('FedMedian: odd count takes the middle, even count the mean of the two middles, weights ignored', () => {
    const median = createStrategy({ name: 'fedmedian' });
    expect(plain(aggregate(median, v1, scalars([1, 5, 3])))).toEqual([[3]]);
    expect(plain(aggregate(median, v1, scalars([1, 2, 10, 4])))).toEqual([[3]]);
    const weighted = [update([[1]], 1000), update([[2]], 1), update([[9]], 1)];
    expect(plain(aggregate(median, v1, weighted))).toEqual([[2]]);
  });

  it('FedTrimmedAvg β = 0.2 on 5 clients drops one value per side per coordinate', () => {
    const rows = [
      [1, -50],
      [2, 7],
      [3, 8],
      [4, 9],
      [100, 10],
    ].map((r) => update([r]));
    const out = aggregate(createStrategy({ name: 'fedtrimmedavg', beta: 0.2 }), v2, rows);
    expect(plain(out)).toEqual([[3, 8]]);
  });

  it('FedTrimmedAvg trims ⌊βn⌋, not ⌈βn⌉: β = 0.25 on 5 clients drops one per side', () => {
    const out = aggregate(
      createStrategy({ name: 'fedtrimmedavg', beta: 0.25 }),
      v1,
      scalars([0, 1, 2, 6, 100]),
    );
    expect(plain(out)).toEqual([[3]]);
  });

  it('Krum scores sum squared distances to the n − f − 2 nearest others', () => {
    const points = [0, 1, 3, 7, 20].map((x) => Float32Array.of(x));
    // f = 1, n = 5 → 2 neighbours: 0 → 1 + 9, 1 → 1 + 4, 3 → 4 + 9, 7 → 16 + 36, 20 → 169 + 289
    expect(krumScores(points, 1)).toEqual([10, 5, 13, 52, 458]);
  });

  const krumRound = [
    [0, 0],
    [0.1, 0],
    [0, 0.1],
    [0.05, 0.05],
    [10, 10],
  ].map((r, i) => update([r], 1, `c${i}`));

  it('Krum (f = 1) picks the most central honest update exactly', () => {
    const out = aggregate(createStrategy({ name: 'krum', f: 1 }), v2, krumRound);
    expect(plain(out)).toEqual([[Math.fround(0.05), Math.fround(0.05)]]);
  });

  it('Multi-Krum (f = 1, m = 4) averages the four honest updates', () => {
    const out = aggregate(createStrategy({ name: 'multikrum', f: 1, m: 4 }), v2, krumRound);
    expectClose(out[0]!, [0.0375, 0.0375], 6);
  });

  it('Bulyan (f = 1, n = 7) selects {1..5} by recursive Krum and averages the 3 nearest the median', () => {
    const out = aggregate(createStrategy({ name: 'bulyan', f: 1 }), v1, scalars([6, 1, 2, 100, 3, 4, 5]));
    expect(plain(out)).toEqual([[3]]);
  });

  it('robust rules with too few updates fail with a retryable typed error', () => {
    const tooFew = expect.objectContaining({ code: 'FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES', retryable: true });
    expect(() => aggregate(createStrategy({ name: 'krum', f: 1 }), v1, scalars([1, 2, 3, 4]))).toThrow(
      tooFew,
    );
    expect(() =>
      aggregate(createStrategy({ name: 'bulyan', f: 1 }), v1, scalars([1, 2, 3, 4, 5, 6])),
    ).toThrow(tooFew);
    expect(() =>
      aggregate(createStrategy({ name: 'multikrum', f: 1, m: 4 }), v1, scalars([1, 2, 3, 4])),
    ).toThrow(tooFew);
  });
});

describe('hand-computed server steps', () => {
  const global = [Float32Array.of(1, 2)];
  const delta = [Float32Array.of(0.5, -0.2)];
  // Reddi et al. 2021, Alg. 2 from the initial state m = 0, v = τ², with η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-3;
  // e.g. FedAdam coordinate 0: m = 0.05, v = 0.99e-6 + 0.01·0.25, x = 1 + 0.1·0.05 / (√v + 1e-3).
  it.each([
    ['fedadam', [1.0980201901, 1.9048739483], [0.00250099, 0.00040099]],
    ['fedyogi', [1.098019998, 1.904875078], [0.002501, 0.000401]],
    ['fedadagrad', [1.00998002, 1.990049875], [0.250001, 0.040001]],
  ] as const)('%s one step from empty state', (name, weights, v) => {
    const step = createStrategy({ name, serverLearningRate: 0.1 }).applyDelta(global, delta, {});
    expectClose(step.weights[0]!, weights, 6);
    expectClose(step.state['m']![0]!, [0.05, -0.02], 7);
    expectClose(
      step.state['v']![0]!.map((x, j) => x / v[j]!),
      [1, 1],
      6,
    ); // float32: relative
    expect(plain(global)).toEqual([[1, 2]]);
  });

  it('FedAvgM accumulates momentum across rounds: v₂ = βΔ₁ + Δ₂, x₂ = x₁ + ηv₂', () => {
    const s = createStrategy({ name: 'fedavgm', momentum: 0.5, serverLearningRate: 2 });
    const first = s.applyDelta([Float32Array.of(0)], [Float32Array.of(1)], {});
    expect(plain(first.weights)).toEqual([[2]]);
    const second = s.applyDelta(first.weights, [Float32Array.of(3)], first.state);
    expect(plain(second.state['momentum']!)).toEqual([[3.5]]);
    expect(plain(second.weights)).toEqual([[9]]);
  });

  it('FedProx and FedOpt send their client settings', () => {
    expect(createStrategy({ name: 'fedprox', proximalMu: 0.3 }).clientConfig()).toEqual({ proximal_mu: 0.3 });
    expect(createStrategy({ name: 'fedprox' }).clientConfig()).toEqual({ proximal_mu: 0.01 });
    expect(createStrategy({ name: 'fedyogi', clientLearningRate: 0.05 }).clientConfig()).toEqual({
      learning_rate: 0.05,
    });
  });

  it('rejects a persisted state whose layout does not match the model', () => {
    const s = createStrategy({ name: 'fedadam' });
    const state = { m: [new Float32Array(3)], v: [new Float32Array(3)] };
    expect(() => s.applyDelta(global, delta, state)).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_STRATEGY_STATE_INVALID' }),
    );
  });
});

/** A Fisher-Yates shuffle of a copy of `items`, drawing from fast-check's `picks`. */
function shuffledBy<T>(items: readonly T[], picks: Iterator<number>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (picks.next().value as number) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('order invariance (property)', () => {
  // The counterexample fast-check found on 2026-12-03 (seed -1627650725): the median of -0, 0 and a
  // denormal was -0 in one order and +0 in the other.
  it('fedmedian gives +0 for a column of -0 and +0 in either order', () => {
    const column = [-0, 0, 1.401298464324817e-45];
    const ups = column.map((v, i) => update([[v, 0, 0, 0]], i + 1));
    const s = createStrategy({ name: 'fedmedian' });
    for (const order of [ups, [...ups].reverse(), [ups[1]!, ups[0]!, ups[2]!]]) {
      expect(Object.is(plain(aggregate(s, vectorSpecs(4), order))[0]![0], 0)).toBe(true);
    }
  });

  it('krum picks the same of two tied updates in either order, and +0 over -0', () => {
    // a and b mirror each other across the line the others lie on: equal Krum scores (105), the lowest.
    const [a, b, ...others] = [
      [-1, 0],
      [1, 0],
      [0, 10],
      [0, -10],
      [0, 30],
    ].map((r, i) => update([r], i + 1));
    const s = createStrategy({ name: 'krum', f: 1 });
    for (const order of [
      [a!, b!, ...others],
      [b!, a!, ...others],
      [...others, b!, a!],
    ]) {
      expect(plain(aggregate(s, vectorSpecs(2), order))).toEqual([[-1, 0]]);
    }
    const withZeros = [
      [-0, 0],
      [0, 0],
      [-0, 0],
      [5, 5],
      [6, 6],
    ].map((r, i) => update([r], i + 1));
    for (const order of [withZeros, [...withZeros].reverse()]) {
      expect(Object.is(plain(aggregate(s, vectorSpecs(2), order))[0]![0], 0)).toBe(true);
    }
  });

  it.each([
    ['krum', { f: 1 }],
    ['multikrum', { f: 1, m: 2 }],
    ['bulyan', { f: 1 }],
  ] as const)('%s ignores the order of clients', (name, params) => {
    // Small integers, so ties between distinct updates are common.
    const row = fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 7, maxLength: 10 }),
        fc.infiniteStream(fc.nat()),
        (rows, picks) => {
          const ups = rows.map((r, i) => update([r.map((v) => (v === 0 && i % 2 ? -0 : v))], i + 1));
          const shuffled = shuffledBy(ups, picks);
          const s = createStrategy({ name, ...params });
          const a = plain(aggregate(s, vectorSpecs(3), ups))[0]!;
          const b = plain(aggregate(s, vectorSpecs(3), shuffled))[0]!;
          expect(b.map((v) => Object.is(v, -0))).toEqual(a.map(() => false));
          expect(b).toEqual(a);
        },
      ),
    );
  });

  const column = fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 4 });
  it.each(['fedmedian', 'fedtrimmedavg', 'fedavg'] as const)('%s ignores the order of clients', (name) => {
    fc.assert(
      fc.property(
        fc.array(
          column.map((c) => c.concat([0, 0, 0, 0]).slice(0, 4)),
          { minLength: 1, maxLength: 12 },
        ),
        fc.infiniteStream(fc.nat()),
        (rows, picks) => {
          const ups = rows.map((r, i) => update([r], i + 1));
          const shuffled = shuffledBy(ups, picks);
          const s = createStrategy({ name });
          const a = plain(aggregate(s, vectorSpecs(4), ups))[0]!;
          const b = plain(aggregate(s, vectorSpecs(4), shuffled))[0]!;
          if (name === 'fedavg') expectClose(b, a, 2);
          else expect(b).toEqual(a);
        },
      ),
    );
  });
});

/** Element-wise toBeCloseTo with `digits` decimal digits. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) expect(actual[j]).toBeCloseTo(expected[j]!, digits);
}

describe('coordinate-wise kernels against a reference (property)', () => {
  it('median and trimmed mean match a sort-based reference for 1..40 clients', () => {
    const values = fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, fc.double({ min: 0, max: 0.49, noNaN: true }), (xs, beta) => {
        const updates = xs.map((x) => Float32Array.of(x, -x));
        const sorted = xs.map((x) => Math.fround(x)).sort((a, b) => a - b);
        const k = Math.floor(beta * xs.length);
        const kept = sorted.slice(k, sorted.length - k);
        const [median] = coordinatewise(updates, medianOfSorted);
        const [trimmed] = coordinatewise(updates, (c) => trimmedMeanOfSorted(c, k));
        expect(median).toBeCloseTo(medianOfSorted(sorted), 9);
        expect(trimmed).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 6);
      }),
    );
  });
});
