import { describe, expect, it } from 'vitest';
import { logGamma, sampleDirichlet, seededRng, shuffleInPlace } from './random.js';

const draws = (seed: string | number, n: number) => Array.from({ length: n }, seededRng(seed));

describe('seededRng', () => {
  it('replays the same stream for the same seed, and treats 42 and "42" alike', () => {
    expect(draws('a', 50)).toEqual(draws('a', 50));
    expect(draws(42, 50)).toEqual(draws('42', 50));
  });

  it('gives different streams for different seeds', () => {
    expect(draws('a', 50)).not.toEqual(draws('b', 50));
    expect(draws(0, 50)).not.toEqual(draws(1, 50));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const xs = draws('uniform', 20_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]!++;
    for (const b of buckets) expect(Math.abs(b - 2000)).toBeLessThan(200); // ~4.7 sigma
  });
});

describe('shuffleInPlace', () => {
  it('permutes without losing or duplicating items', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = shuffleInPlace(items.slice(), seededRng(7));
    expect(shuffled).not.toEqual(items);
    expect(shuffled.slice().sort((a, b) => a - b)).toEqual(items);
  });
});

describe('Gamma and Dirichlet sampling', () => {
  it.each([0.1, 0.5, 1, 2.5, 30])('Gamma(%s) draws have mean ~ shape and variance ~ shape', (shape) => {
    const rng = seededRng(`gamma-${shape}`);
    const xs = Array.from({ length: 40_000 }, () => Math.exp(logGamma(shape, rng)));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - shape) / shape).toBeLessThan(0.05);
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.15);
  });

  it('sums to one and stays finite even for tiny alpha', () => {
    const rng = seededRng('dir');
    for (const alpha of [0.001, 0.1, 1, 100]) {
      for (let t = 0; t < 50; t++) {
        const p = sampleDirichlet(alpha, 20, rng);
        expect(p.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
        expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      }
    }
  });

  // Reference means of the largest of 10 Dir(alpha) components: numpy.random.dirichlet, 100k draws.
  it.each([
    [0.05, 0.783],
    [0.1, 0.665],
    [1000, 0.105],
  ])('Dir(%s) over 10 categories has mean max component ~ %s, as numpy', (alpha, reference) => {
    const rng = seededRng(`dir-max-${alpha}`);
    const n = 4000;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += Math.max(...sampleDirichlet(alpha, 10, rng));
    expect(Math.abs(sum / n - reference)).toBeLessThan(0.02);
  });
});
