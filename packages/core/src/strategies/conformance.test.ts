import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import type { ClientUpdate } from '../strategy.js';
import { zerosFor } from '../weights.js';
import { type StrategyConfig, createStrategy, strategyNames } from './registry.js';
import { stateFromJSON, stateToJSON } from './state.js';
import { aggregate, plain, testSpecs, update } from './test-helpers.js';

/** One case per registered strategy (a test below fails if a strategy has none), plus DP wrappers. */
const cases: StrategyConfig[] = [
  { name: 'fedavg' },
  { name: 'fedavgm', momentum: 0.9, serverLearningRate: 0.5 },
  { name: 'fedprox', proximalMu: 0.1 },
  { name: 'fedadam', serverLearningRate: 0.1 },
  { name: 'fedyogi', serverLearningRate: 0.1 },
  { name: 'fedadagrad', serverLearningRate: 0.1 },
  { name: 'fedmedian' },
  { name: 'fedtrimmedavg', beta: 0.2 },
  { name: 'krum', f: 1 },
  { name: 'multikrum', f: 1, m: 3 },
  { name: 'bulyan', f: 1 },
  { name: 'fedavgm', dp: { noiseMultiplier: 0, adaptive: { initialClip: 1, countNoiseMultiplier: 0 } } },
  { name: 'fedadam', dp: { noiseMultiplier: 0.5, clipNorm: 1, expectedClients: 7 } },
];

const N = 7; // enough for Bulyan with f = 1 (n ≥ 4f + 3)
const finite = fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
const updateArb = fc
  .tuple(fc.array(finite, { minLength: 4, maxLength: 4 }), fc.array(finite, { minLength: 3, maxLength: 3 }))
  .map(([k, b]) => [k, b]);
const roundArb = fc.array(updateArb, { minLength: N, maxLength: N });

function updatesOf(round: number[][][]): ClientUpdate[] {
  return round.map((d, i) => update(d, i + 1, `c${i}`));
}

function label(c: StrategyConfig): string {
  return c.dp === undefined ? c.name : `${c.name}+dp`;
}

it('covers every registered strategy', () => {
  expect(new Set(cases.map((c) => c.name))).toEqual(new Set(strategyNames));
});

describe.each(cases.map((c) => [label(c), c] as const))('%s conformance', (_, config) => {
  it('produces finite weights of the model layout and never mutates its inputs', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const strategy = createStrategy(config);
        const updates = updatesOf(round);
        const before = updates.map((u) => plain(u.delta));
        const delta = aggregate(strategy, testSpecs, updates);
        const global = zerosFor(testSpecs);
        const step = strategy.applyDelta(global, delta, {});
        for (const w of [delta, step.weights]) {
          expect(w.map((t) => t.length)).toEqual([4, 3]);
          expect(w.every((t) => t.every(Number.isFinite))).toBe(true);
        }
        expect(updates.map((u) => plain(u.delta))).toEqual(before);
        expect(plain(global)).toEqual([Array(4).fill(0), Array(3).fill(0)]);
      }),
      { numRuns: 40 },
    );
  });

  it('aggregates identical updates to that update', () => {
    if (config.dp !== undefined && config.dp.noiseMultiplier > 0) return; // noised by design
    fc.assert(
      fc.property(updateArb, (d) => {
        const same = Array.from({ length: N }, (_, i) => update(d, i + 1));
        const out = aggregate(createStrategy(config), testSpecs, same);
        const expected = config.dp === undefined ? d : scaleToNorm(d, 1);
        for (const [i, t] of out.entries()) expectClose(t, expected[i]!, 4);
      }),
      { numRuns: 40 },
    );
  });

  it('continues identically from a JSON round trip of its state', () => {
    fc.assert(
      fc.property(roundArb, roundArb, (r1, r2) => {
        if (config.dp !== undefined && config.dp.noiseMultiplier > 0) return; // random by design
        const live = createStrategy(config);
        const global0 = zerosFor(testSpecs);
        const s1 = live.applyDelta(global0, aggregate(live, testSpecs, updatesOf(r1)), {});
        const stored = stateFromJSON(JSON.parse(JSON.stringify(stateToJSON(s1.state))));
        const restarted = createStrategy(config, stored);
        const a = live.applyDelta(s1.weights, aggregate(live, testSpecs, updatesOf(r2)), s1.state);
        const b = restarted.applyDelta(s1.weights, aggregate(restarted, testSpecs, updatesOf(r2)), stored);
        expect(plain(b.weights)).toEqual(plain(a.weights));
        expect(stateToJSON(b.state)).toEqual(stateToJSON(a.state));
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    ['wrong tensor count', update([[1, 2, 3, 4]]), 'FEDERA_ERR_CORE_SHAPE_MISMATCH'],
    [
      'wrong tensor size',
      update([
        [1, 2, 3],
        [1, 2, 3],
      ]),
      'FEDERA_ERR_CORE_SHAPE_MISMATCH',
    ],
    [
      'NaN',
      update([
        [1, Number.NaN, 3, 4],
        [1, 2, 3],
      ]),
      'FEDERA_ERR_CORE_NOT_FINITE',
    ],
    [
      'Infinity',
      update([
        [1, 2, 3, 4],
        [Number.POSITIVE_INFINITY, 2, 3],
      ]),
      'FEDERA_ERR_CORE_NOT_FINITE',
    ],
  ])('rejects %s with a typed error and stays unchanged', (_, bad, code) => {
    if (config.dp !== undefined && config.dp.noiseMultiplier > 0) return;
    const good = updatesOf(fc.sample(roundArb, { numRuns: 1, seed: 7 })[0]!);
    const clean = aggregate(createStrategy(config), testSpecs, good);
    const agg = createStrategy(config).createAggregator(testSpecs);
    good.forEach((u, i) => {
      agg.add(u);
      if (i === 2) {
        let thrown: unknown;
        try {
          agg.add(bad);
        } catch (e) {
          thrown = e;
        }
        expect(isFederaError(thrown) && thrown.code).toBe(code);
        expect(agg.count).toBe(3);
      }
    });
    expect(plain(agg.finish())).toEqual(plain(clean));
  });

  it('refuses to finish an empty round', () => {
    const agg = createStrategy(config).createAggregator(testSpecs);
    expect(() => agg.finish()).toThrow(expect.objectContaining({ code: 'FEDERA_ERR_CORE_NO_UPDATES' }));
  });
});

function scaleToNorm(d: number[][], clip: number): number[][] {
  const norm = Math.sqrt(d.flat().reduce((s, x) => s + Math.fround(x) ** 2, 0));
  const scale = norm > clip ? clip / norm : 1;
  return d.map((t) => t.map((x) => x * scale));
}

/** Element-wise toBeCloseTo with `digits` decimal digits. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) expect(actual[j]).toBeCloseTo(expected[j]!, digits);
}
