import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrivacyAccountant } from './accountant.js';
import { epsilonAtOrder, epsilonFromRdp } from './conversion.js';
import { logAdd } from './log-math.js';
import { DEFAULT_RDP_ORDERS, sampledGaussianRdp } from './rdp.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const rdpOver = (q: number, z: number, steps: number, orders: readonly number[]) =>
  orders.map((a) => steps * sampledGaussianRdp(q, z, a));

/**
 * Published values: the unit tests of TensorFlow Privacy's RDP accountant,
 * tensorflow_privacy/privacy/analysis/rdp_accountant_test.py (github.com/tensorflow/privacy):
 * test_compute_rdp_scalar, test_compute_rdp_sequence, test_compute_rdp_no_sampling,
 * test_get_privacy_spent_check_target_delta (2019 version, classic conversion, and the
 * current version, improved conversion) and test_check_composition (2019 version).
 */
describe('sampled Gaussian RDP matches TensorFlow Privacy', () => {
  it('compute_rdp(q=0.1, z=2, steps=10, α=5) = 0.07737', () => {
    expect(rdpOver(0.1, 2, 10, [5])[0]).toBeCloseTo(0.07737, 5);
  });

  it('compute_rdp(q=0.01, z=2.5, steps=50) at α = 1.5, 2.5, 5, 50, 100 (fractional and integer orders)', () => {
    const expected = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
    const got = rdpOver(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]);
    got.forEach((r, i) => {
      expect(Math.abs(r - expected[i]!)).toBeLessThan(1e-5);
    });
  });

  it('q = 1 is the plain Gaussian mechanism, α/(2z²) exactly; q = 0 leaks nothing', () => {
    expect(sampledGaussianRdp(1, 10, 20)).toBe(0.1);
    expect(sampledGaussianRdp(0, 10, 20)).toBe(0);
    expect(sampledGaussianRdp(0.5, 1, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('classic conversion: q=0.01, z=4, 10 000 steps, orders 2..32, δ=1e-5 → ε = 1.258575 at α = 20', () => {
    const orders = range(2, 33);
    const spent = epsilonFromRdp(orders, rdpOver(0.01, 4, 10_000, orders), 1e-5, 'classic');
    expect(spent.epsilon).toBeCloseTo(1.258575, 5);
    expect(spent.order).toBe(20);
  });

  it('classic conversion of a composition of two mechanisms → ε = 8.509656 at α = 2.5', () => {
    const orders = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];
    const a = rdpOver(1e-4, 0.4, 40_000, orders);
    const b = rdpOver(0.1, 2, 100, orders);
    const spent = epsilonFromRdp(
      orders,
      a.map((x, i) => x + b[i]!),
      1e-5,
      'classic',
    );
    expect(spent.epsilon).toBeCloseTo(8.509656, 5);
    expect(spent.order).toBe(2.5);
  });

  it('improved conversion: constant RDP 1.1 over orders 2..32 at δ = 1e-5 → ε = 1.32783806176 at α = 32', () => {
    const orders = range(2, 33);
    const spent = epsilonFromRdp(
      orders,
      orders.map(() => 1.1),
      1e-5,
    );
    expect(spent.epsilon).toBeCloseTo(1.32783806176, 9);
    expect(spent.order).toBe(32);
  });

  it('improved conversion: the Gaussian mechanism with z = 4.530877117 is (1, 1e-6)-DP', () => {
    const orders = Array.from({ length: 99_000 }, (_, i) => (1001 + i) / 1000);
    const accountant = new PrivacyAccountant({
      samplingRate: 1,
      noiseMultiplier: 4.530877117,
      delta: 1e-6,
      orders,
    });
    accountant.step();
    expect(accountant.epsilon()).toBeCloseTo(1, 6);
  });
});

/** A_α = ∫ μ₀^(1−α) μ^α by brute-force quadrature, an independent check of the series of §3.3. */
function logAByQuadrature(q: number, z: number, alpha: number): number {
  const logPhi = (x: number, mean: number) =>
    -((x - mean) ** 2) / (2 * z * z) - Math.log(z * Math.sqrt(2 * Math.PI));
  const h = z / 400;
  let logSum = Number.NEGATIVE_INFINITY;
  for (let x = -14 * z; x <= alpha + 14 * z; x += h) {
    const log0 = logPhi(x, 0);
    const logMix = logAdd(Math.log1p(-q) + log0, Math.log(q) + logPhi(x, 1));
    logSum = logAdd(logSum, (1 - alpha) * log0 + alpha * logMix);
  }
  return logSum + Math.log(h);
}

describe('sampled Gaussian RDP, independent checks', () => {
  it.each([
    [0.01, 0.8, 1.5],
    [0.1, 1.5, 2.5],
    [0.5, 4, 7.3],
    [0.05, 2, 20.5],
    [0.2, 1, 6],
  ])('q=%f z=%f α=%f agrees with numerical integration', (q, z, alpha) => {
    const series = sampledGaussianRdp(q, z, alpha) * (alpha - 1);
    expect(Math.abs(series / logAByQuadrature(q, z, alpha) - 1)).toBeLessThan(1e-6);
  });

  it('is non-decreasing in α and q, non-increasing in z (property)', () => {
    const q = fc.double({ min: 1e-4, max: 0.99, noNaN: true });
    const z = fc.double({ min: 0.5, max: 10, noNaN: true });
    const a = fc.integer({ min: 2, max: 60 });
    fc.assert(
      fc.property(q, z, a, (qq, zz, aa) => {
        const r = sampledGaussianRdp(qq, zz, aa);
        expect(sampledGaussianRdp(qq, zz, aa + 1)).toBeGreaterThanOrEqual(r * (1 - 1e-12));
        expect(sampledGaussianRdp(Math.min(1, qq * 1.01), zz, aa)).toBeGreaterThanOrEqual(r * (1 - 1e-12));
        expect(sampledGaussianRdp(qq, zz * 1.01, aa)).toBeLessThanOrEqual(r * (1 + 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('stays finite and non-negative over the default orders for a wide grid of q and z', () => {
    for (const q of [1e-6, 1e-4, 0.01, 0.1, 0.5, 0.99]) {
      for (const z of [0.3, 0.8, 1, 3, 50]) {
        for (const alpha of [...DEFAULT_RDP_ORDERS, 1.01, 128.5, 256]) {
          const r = sampledGaussianRdp(q, z, alpha);
          expect(Number.isFinite(r) && r >= 0, `q=${q} z=${z} α=${alpha} → ${r}`).toBe(true);
        }
      }
    }
  });

  it('improved conversion is never worse than classic', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 1.01, max: 256, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.5, noNaN: true }),
        (rdp, alpha, delta) => {
          expect(epsilonAtOrder(rdp, alpha, delta, 'improved')).toBeLessThanOrEqual(
            epsilonAtOrder(rdp, alpha, delta, 'classic') + 1e-12,
          );
        },
      ),
    );
  });
});

describe('PrivacyAccountant', () => {
  const options = { samplingRate: 0.01, noiseMultiplier: 1.1, delta: 1e-5 };

  it('starts at ε = 0, grows with rounds, and composes additively over step calls', () => {
    const a = new PrivacyAccountant(options);
    expect(a.epsilon()).toBe(0);
    a.step(300);
    const e300 = a.epsilon();
    a.step(700);
    const b = new PrivacyAccountant(options);
    b.step(1000);
    expect(a.steps).toBe(1000);
    expect(a.epsilon()).toBe(b.epsilon());
    expect(a.epsilon()).toBeGreaterThan(e300);
    expect(e300).toBeGreaterThan(0);
  });

  it('reports budget exhaustion exactly when ε passes the budget', () => {
    const a = new PrivacyAccountant(options);
    let rounds = 0;
    while (!a.budgetExhausted(2)) {
      a.step();
      rounds++;
      expect(rounds).toBeLessThan(100_000);
    }
    expect(a.epsilon()).toBeGreaterThan(2);
    const before = new PrivacyAccountant(options);
    before.step(rounds - 1);
    expect(before.epsilon()).toBeLessThanOrEqual(2);
  });

  it('round-trips through JSON', () => {
    const a = new PrivacyAccountant({ ...options, conversion: 'classic', orders: [2, 4, 8, 16, 32] });
    a.step(123);
    const b = PrivacyAccountant.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(b.steps).toBe(123);
    expect(b.epsilon()).toBe(a.epsilon());
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('refuses invalid settings', () => {
    expect(() => new PrivacyAccountant({ ...options, delta: 1 })).toThrow(RangeError);
    expect(() => new PrivacyAccountant({ ...options, samplingRate: 0 })).toThrow(RangeError);
    expect(() => new PrivacyAccountant({ ...options, noiseMultiplier: -1 })).toThrow(RangeError);
    expect(() => new PrivacyAccountant({ ...options, orders: [1] })).toThrow(RangeError);
    expect(() => new PrivacyAccountant(options).step(-1)).toThrow(RangeError);
  });
});
