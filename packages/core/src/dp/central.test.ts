import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFedAvg } from '../fedavg.js';
import type { ClientUpdate } from '../strategy.js';
import { l2Norm } from '../weights.js';
import { withCentralDp } from './central.js';
import { clipToNorm } from './clip.js';

const up = (values: number[], numExamples = 1): ClientUpdate => ({
  clientId: 'c',
  numExamples,
  delta: [Float32Array.from(values)],
  metrics: {},
});

/**
 * Two-sided bounds on a χ²_k variable by the Wilson–Hilferty approximation
 * (χ²/k)^(1/3) ≈ N(1 − 2/(9k), 2/(9k)), which is accurate to far better than
 * the margin here for k = 10⁵. z = 5.3 ⇒ false-failure probability ≈ 1.2e-7.
 */
function chiSquareBounds(k: number, z: number): [number, number] {
  const s = Math.sqrt(2 / (9 * k));
  return [k * (1 - 2 / (9 * k) - z * s) ** 3, k * (1 - 2 / (9 * k) + z * s) ** 3];
}

describe('clipToNorm', () => {
  it('returns a scaled copy with norm ≤ C, same direction, and reports whether it clipped', () => {
    const vec = fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(vec, vec, fc.double({ min: 0.01, max: 50, noNaN: true }), (a, b, clip) => {
        const delta = [Float32Array.from(a), Float32Array.from(b)];
        const before = delta.map((t) => Array.from(t));
        const { clipped, wasClipped, norm } = clipToNorm(delta, clip);
        expect(delta.map((t) => Array.from(t))).toEqual(before);
        expect(wasClipped).toBe(norm > clip);
        expect(l2Norm(clipped)).toBeLessThanOrEqual(clip * (1 + 1e-6));
        if (!wasClipped) expect(clipped.map((t) => Array.from(t))).toEqual(before);
        else expect(l2Norm(clipped)).toBeCloseTo(clip, 4);
      }),
    );
  });

  it('treats a non-positive clip as a programmer error', () => {
    expect(() => clipToNorm([Float32Array.of(1)], 0)).toThrow(TypeError);
  });
});

describe('withCentralDp aggregation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('clips each update and averages with equal weights over the fixed denominator', () => {
    const s = withCentralDp(createFedAvg(), { noiseMultiplier: 0, clipNorm: 1, expectedClients: 4 });
    const agg = s.createAggregator([{ name: 'v', shape: [2] }]);
    agg.add(up([3, 4], 100)); // norm 5 → [0.6, 0.8]; its 100 examples must not weigh more
    agg.add(up([0.3, 0.4], 1)); // norm 0.5, kept
    const [out] = agg.finish();
    expect(out![0]).toBeCloseTo((0.6 + 0.3) / 4, 6);
    expect(out![1]).toBeCloseTo((0.8 + 0.4) / 4, 6);
  });

  it('adds N(0, (z·C/n)²) per coordinate: variance within χ² bounds, mean ≈ 0, Gaussian shape', () => {
    const z = 1.1;
    const clip = 2;
    const n = 4;
    const k = 100_000;
    const random = vi.spyOn(Math, 'random');
    const s = withCentralDp(createFedAvg(), { noiseMultiplier: z, clipNorm: clip, expectedClients: n });
    const agg = s.createAggregator([{ name: 'v', shape: [k] }]);
    for (let i = 0; i < n; i++) agg.add(up(new Array(k).fill(0)));
    const [noise] = agg.finish();
    const sigma = (z * clip) / n;
    let sumSq = 0;
    let sum = 0;
    let withinOneSigma = 0;
    for (const x of noise!) {
      sumSq += (x / sigma) ** 2;
      sum += x;
      if (Math.abs(x) <= sigma) withinOneSigma++;
    }
    const [lo, hi] = chiSquareBounds(k, 5.3);
    expect(sumSq).toBeGreaterThan(lo);
    expect(sumSq).toBeLessThan(hi);
    expect(Math.abs(sum / k)).toBeLessThan((5.3 * sigma) / Math.sqrt(k));
    const p = 0.6826894921370859; // P(|N(0,1)| ≤ 1)
    expect(Math.abs(withinOneSigma / k - p)).toBeLessThan(5.3 * Math.sqrt((p * (1 - p)) / k));
    expect(random).not.toHaveBeenCalled();
  });

  it('draws its noise from crypto.getRandomValues', () => {
    const source = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const s = withCentralDp(createFedAvg(), { noiseMultiplier: 1, clipNorm: 1 });
    const agg = s.createAggregator([{ name: 'v', shape: [3] }]);
    agg.add(up([1, 1, 1]));
    agg.finish();
    expect(source).toHaveBeenCalled();
  });

  it('in client-clipping mode adds noise to the unmasked sum and tells clients the clip', () => {
    const s = withCentralDp(createFedAvg(), {
      mode: 'client-clipping',
      noiseMultiplier: 0,
      clipNorm: 0.5,
      expectedClients: 4,
    });
    expect(s.supports.secureAggregation).toBe(true);
    expect(s.clientConfig()).toEqual({ clip_norm: 0.5 });
    const agg = s.createAggregator([{ name: 'v', shape: [2] }]);
    agg.add(up([1.2, -0.4])); // the unmasked sum of 4 clipped updates, folded in once
    expect(Array.from(agg.finish()[0]!)).toEqual([Math.fround(0.3), Math.fround(-0.1)]);
  });

  it('rejects bad updates with a typed error and keeps the round intact', () => {
    const s = withCentralDp(createFedAvg(), { noiseMultiplier: 0, clipNorm: 10 });
    const agg = s.createAggregator([{ name: 'v', shape: [2] }]);
    agg.add(up([1, 2]));
    expect(() => agg.add(up([Number.NaN, 1]))).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_CORE_NOT_FINITE' }),
    );
    expect(() => agg.add(up([1]))).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_CORE_SHAPE_MISMATCH' }),
    );
    expect(agg.count).toBe(1);
    expect(Array.from(agg.finish()[0]!)).toEqual([1, 2]);
  });
});
