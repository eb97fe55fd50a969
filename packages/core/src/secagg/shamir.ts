import { inverse, mod, randomFieldElement } from './field.js';

/** One Shamir share: the polynomial evaluated at a public non-zero point. */
export interface ShamirShare {
  readonly x: number;
  readonly y: bigint;
}

/**
 * Split `secret` into shares at the points `xs` so that any `threshold` of them
 * reconstruct it and fewer reveal nothing (Shamir 1979; Bonawitz et al. 2017, §3.1).
 * Coefficients come from the CSPRNG.
 *
 * @example
 * const shares = splitSecret(42n, 2, [1, 2, 3]);
 * reconstructSecret(shares.slice(1)); // 42n
 */
export function splitSecret(secret: bigint, threshold: number, xs: readonly number[]): ShamirShare[] {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) {
    throw new TypeError(`threshold ${threshold} must be in [1, ${xs.length}]`);
  }
  assertDistinctPoints(xs);
  const coefficients = [mod(secret)];
  for (let i = 1; i < threshold; i++) coefficients.push(randomFieldElement());
  return xs.map((x) => ({ x, y: evaluate(coefficients, BigInt(x)) }));
}

/**
 * Lagrange interpolation at 0 from the given shares. With fewer than the
 * splitting threshold the result is an unrelated field element.
 *
 * @example
 * reconstructSecret([{ x: 1, y: 5n }, { x: 2, y: 8n }]); // 2n (the line 2 + 3x)
 */
export function reconstructSecret(shares: readonly ShamirShare[]): bigint {
  if (shares.length === 0) throw new TypeError('no shares');
  assertDistinctPoints(shares.map((s) => s.x));
  const xs = shares.map((s) => BigInt(s.x));
  const nums: bigint[] = [];
  const dens: bigint[] = [];
  for (let i = 0; i < xs.length; i++) {
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue;
      num = mod(num * xs[j]!);
      den = mod(den * (xs[j]! - xs[i]!));
    }
    nums.push(num);
    dens.push(den);
  }
  // One field inversion for all denominators (Montgomery's batch-inversion trick).
  const prefix = [1n];
  for (const d of dens) prefix.push(mod(prefix[prefix.length - 1]! * d));
  let inv = inverse(prefix[dens.length]!);
  let secret = 0n;
  for (let i = dens.length - 1; i >= 0; i--) {
    const denInverse = mod(inv * prefix[i]!);
    inv = mod(inv * dens[i]!);
    secret = mod(secret + shares[i]!.y * mod(nums[i]! * denInverse));
  }
  return secret;
}

function evaluate(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = mod(acc * x + coefficients[i]!);
  return acc;
}

function assertDistinctPoints(xs: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of xs) {
    if (!Number.isSafeInteger(x) || x <= 0)
      throw new TypeError(`share point ${x} must be a positive integer`);
    if (seen.has(x)) throw new TypeError(`duplicate share point ${x}`);
    seen.add(x);
  }
}
