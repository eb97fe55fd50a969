import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStrategy } from '../strategies/registry.js';
import { stateFromJSON, stateToJSON } from '../strategies/state.js';
import type { Strategy, StrategyState } from '../strategy.js';
import type { Weights } from '../weights.js';
import { type AdaptiveClipRule, nextClipNorm, updateNoiseMultiplier } from './adaptive-clip.js';
import { clipFromState } from './central.js';

/** Fixed update norms 1, 2, …, 100 every round: the γ-quantile is 100·γ. */
const norms = Array.from({ length: 100 }, (_, i) => i + 1);
const specs = [{ name: 'v', shape: [1] }];
const gamma = 0.2; // deliberately ≠ 0.5: at 0.5 the inverted rule converges to the same median
const rule: AdaptiveClipRule = { targetQuantile: gamma, learningRate: 0.2 };

function runRounds(strategy: Strategy, rounds: number, start: StrategyState = {}): StrategyState {
  let state = start;
  let global: Weights = [new Float32Array(1)];
  for (let r = 0; r < rounds; r++) {
    const agg = strategy.createAggregator(specs);
    for (const [i, norm] of norms.entries()) {
      agg.add({ clientId: `c${i}`, numExamples: 1, delta: [Float32Array.of(norm)], metrics: {} });
    }
    const step = strategy.applyDelta(global, agg.finish(), state);
    global = step.weights;
    state = step.state;
  }
  return state;
}

const config = {
  name: 'fedavg',
  dp: { noiseMultiplier: 0, adaptive: { initialClip: 1, ...rule, countNoiseMultiplier: 0 } },
} as const;

describe('adaptive clipping (Andrew et al. 2021)', () => {
  it('converges to the target quantile of the update norms', () => {
    const clip = clipFromState(runRounds(createStrategy(config), 400))!;
    // 20 of 100 norms are ≤ C exactly when 20 ≤ C < 21; the geometric steps near there are < 0.3 %.
    expect(clip).toBeGreaterThan(19.5);
    expect(clip).toBeLessThan(21.5);
  });

  it('converges the same way with client clipping, from the summed unclipped bits', () => {
    const s = createStrategy({
      name: 'fedavg',
      dp: { ...config.dp, mode: 'client-clipping', expectedClients: norms.length },
    });
    let state: StrategyState = {};
    let global: Weights = [new Float32Array(1)];
    for (let r = 0; r < 400; r++) {
      const clip = s.clientConfig()['clip_norm']!;
      const agg = s.createAggregator(specs);
      // What secure aggregation hands over: the sum of client-clipped deltas and of their unclipped bits.
      const sum = norms.reduce((acc, n) => acc + Math.min(n, clip), 0);
      const bits = norms.filter((n) => n <= clip).length;
      agg.add({
        clientId: 'sum',
        numExamples: 1,
        delta: [Float32Array.of(sum)],
        metrics: { dp_unclipped: bits },
      });
      const step = s.applyDelta(global, agg.finish(), state);
      global = step.weights;
      state = step.state;
    }
    expect(clipFromState(state)).toBeGreaterThan(19.5);
    expect(clipFromState(state)).toBeLessThan(21.5);
  });

  it('with client clipping, refuses an update without its unclipped count and stays unchanged', () => {
    const s = createStrategy({
      name: 'fedavg',
      dp: { ...config.dp, mode: 'client-clipping', expectedClients: 2 },
    });
    const agg = s.createAggregator(specs);
    agg.add({ clientId: 'a', numExamples: 1, delta: [Float32Array.of(0.5)], metrics: { dp_unclipped: 1 } });
    expect(() =>
      agg.add({ clientId: 'b', numExamples: 1, delta: [Float32Array.of(0.5)], metrics: {} }),
    ).toThrow(expect.objectContaining({ code: 'FEDERA_ERR_STRATEGY_DP_UNCLIPPED_MISSING' }));
    expect(agg.count).toBe(1);
    expect(Array.from(agg.finish()[0]!)).toEqual([0.25]);
  });

  it('would NOT converge there with the inverted update that plugs in the clipped fraction', () => {
    let clip = 1;
    for (let r = 0; r < 400; r++) {
      const clippedFraction = norms.filter((n) => n > clip).length / norms.length;
      clip = nextClipNorm(clip, clippedFraction, rule); // the inversion
    }
    // Its only fixed point is the 1 − γ = 0.8 quantile, and it is unstable: from below, C collapses.
    expect(clip).toBeLessThan(1e-3);
  });

  it('moves the clip the right way in one step', () => {
    expect(nextClipNorm(1, 0.9, { targetQuantile: 0.5, learningRate: 0.2 })).toBeCloseTo(Math.exp(-0.08), 12);
    expect(nextClipNorm(1, 0.1, { targetQuantile: 0.5, learningRate: 0.2 })).toBeGreaterThan(1);
  });

  it('persists the clip in StrategyState so a restarted coordinator continues exactly', () => {
    const live = createStrategy(config);
    const mid = runRounds(live, 7);
    const restored = stateFromJSON(JSON.parse(JSON.stringify(stateToJSON(mid))));
    const a = runRounds(live, 5, mid);
    const b = runRounds(createStrategy(config, restored), 5, restored);
    expect(clipFromState(b)).toBe(clipFromState(a));
    expect(clipFromState(a)).not.toBe(clipFromState(mid));
    const fresh = runRounds(createStrategy(config), 5, restored);
    expect(clipFromState(fresh)).not.toBe(clipFromState(a)); // without resumeFrom the clip restarts at C₀
  });

  it('splits z between the updates and the count so the pair is exactly z-private', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 1.01, max: 100, noNaN: true }),
        (z, ratio) => {
          const zCount = z * ratio;
          const zUpdates = updateNoiseMultiplier(z, zCount);
          expect(zUpdates).toBeGreaterThan(z);
          expect((zUpdates ** -2 + zCount ** -2) ** -0.5).toBeCloseTo(z, 9);
        },
      ),
    );
    expect(() => updateNoiseMultiplier(1, 1)).toThrow(TypeError);
    expect(updateNoiseMultiplier(0, 0)).toBe(0);
  });
});
