import { logAdd, logErfc, logSub } from './log-math.js';

/** Orders α at which RDP is tracked by default (the grid of TF Privacy's tutorials and Opacus). */
export const DEFAULT_RDP_ORDERS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
];

/** log A_α for integer α: Mironov, Talwar & Zhang 2019, §3.3, binomial expansion in log space. */
function logAInteger(q: number, z: number, alpha: number): number {
  let logA = Number.NEGATIVE_INFINITY;
  let logBinom = 0;
  for (let k = 0; k <= alpha; k++) {
    if (k > 0) logBinom += Math.log(alpha - k + 1) - Math.log(k);
    const term = logBinom + k * Math.log(q) + (alpha - k) * Math.log1p(-q) + (k * k - k) / (2 * z * z);
    logA = logAdd(logA, term);
  }
  return logA;
}

/**
 * log A_α for fractional α > 1: Mironov, Talwar & Zhang 2019, §3.3, splitting
 * the integral at z₀ = σ²·log(1/q − 1) + 1/2 into two convergent series.
 */
function logAFractional(q: number, z: number, alpha: number): number {
  let logA0 = Number.NEGATIVE_INFINITY;
  let logA1 = Number.NEGATIVE_INFINITY;
  const z0 = z * z * Math.log(1 / q - 1) + 0.5;
  let logAbsBinom = 0;
  let binomSign = 1;
  for (let i = 0; ; i++) {
    if (i > 0) {
      const factor = (alpha - i + 1) / i;
      logAbsBinom += Math.log(Math.abs(factor));
      if (factor < 0) binomSign = -binomSign;
    }
    const j = alpha - i;
    const logT0 = logAbsBinom + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logAbsBinom + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * z));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * z));
    const logS0 = logT0 + (i * i - i) / (2 * z * z) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
    if (binomSign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30 && i > alpha) break;
  }
  return logAdd(logA0, logA1);
}

/**
 * RDP ε(α) of ONE step of the sampled Gaussian mechanism with sampling rate q
 * and noise multiplier z (Mironov, Talwar & Zhang 2019, "Rényi Differential
 * Privacy of the Sampled Gaussian Mechanism"). Exact: q = 1 gives α/(2z²).
 *
 * @example
 * sampledGaussianRdp(1, 10, 20); // 0.1
 */
export function sampledGaussianRdp(q: number, z: number, alpha: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sampling rate must be in [0, 1], got ${q}`);
  if (!(alpha > 1)) throw new RangeError(`RDP order must be > 1, got ${alpha}`);
  if (q === 0) return 0;
  if (z === 0 || alpha === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (q === 1) return alpha / (2 * z * z);
  const logA = Number.isInteger(alpha) ? logAInteger(q, z, alpha) : logAFractional(q, z, alpha);
  return logA / (alpha - 1);
}
