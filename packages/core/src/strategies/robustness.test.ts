import { describe, expect, it } from 'vitest';
import { seededRandom } from '../sampling/prng.js';
import { type StrategyConfig, createStrategy } from './registry.js';
import { aggregate, update, vectorSpecs } from './test-helpers.js';

const honestMean = [1, -2, 0.5, 3, -1, 2];
const specs = vectorSpecs(honestMean.length);
const rand = seededRandom('robustness-fixture');

/** 8 honest updates scattered ±0.1 around the mean, then 2 attackers sending −10 × an honest update. */
const honest = Array.from({ length: 8 }, () => honestMean.map((m) => m + 0.2 * (rand() - 0.5)));
const attackers = honest.slice(0, 2).map((h) => h.map((x) => -10 * x));
const round = [...honest, ...attackers].map((d, i) => update([d], 100, `c${i}`));

const distanceToHonest = (w: Float32Array) => Math.hypot(...honestMean.map((m, j) => w[j]! - m));
const meanNorm = Math.hypot(...honestMean);

describe('two sign-flipped ×10 attackers among 10 clients', () => {
  it('drag FedAvg far from the honest mean', () => {
    const [out] = aggregate(createStrategy({ name: 'fedavg' }), specs, round);
    expect(distanceToHonest(out!)).toBeGreaterThan(meanNorm);
  });

  it.each<StrategyConfig>([
    { name: 'fedmedian' },
    { name: 'fedtrimmedavg', beta: 0.2 },
    { name: 'krum', f: 2 },
    { name: 'multikrum', f: 2 },
    { name: 'bulyan', f: 1 },
  ])('leave $name within the honest spread', (config) => {
    const [out] = aggregate(createStrategy(config), specs, round);
    expect(distanceToHonest(out!)).toBeLessThan(0.1 * meanNorm);
  });

  it('leave Bulyan with f = 2 on 11 clients (n = 4f + 3) within the honest spread', () => {
    const extra = update([honestMean.map((m) => m + 0.05)], 100, 'c10');
    const [out] = aggregate(createStrategy({ name: 'bulyan', f: 2 }), specs, [...round, extra]);
    expect(distanceToHonest(out!)).toBeLessThan(0.1 * meanNorm);
  });
});
