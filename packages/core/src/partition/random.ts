/**
 * Seeded, non-cryptographic randomness for reproducible simulations (data
 * partitioning). Never use it for masks, keys, shares or privacy noise: those
 * come from `globalThis.crypto`.
 */

/** A uniform generator over [0, 1). */
export type Rng = () => number;

/** 128-bit string hash (cyrb128, bryc/code "PRNGs in JavaScript") used to spread a seed over four words. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716772509);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716772509);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A reproducible uniform generator: xoshiro128** (Blackman & Vigna 2018)
 * seeded by hashing `String(seed)` with cyrb128, so `42` and `'42'` give the
 * same stream and any string is a valid seed.
 *
 * @example
 * const rng = seededRng('experiment-1');
 * const u = rng(); // 0 <= u < 1, identical on every run and platform
 */
export function seededRng(seed: string | number): Rng {
  let [a, b, c, d] = cyrb128(String(seed));
  if ((a | b | c | d) === 0) a = 1; // xoshiro's one forbidden state
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return (result >>> 0) / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle in place (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/** Standard normal by the Box–Muller transform. */
function standardNormal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** log of a Gamma(shape, 1) draw for shape >= 1 (Marsaglia & Tsang 2000, §3). */
function logGammaAtLeastOne(shape: number, rng: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/**
 * log of a Gamma(shape, 1) draw. For shape < 1 it boosts to shape + 1 and
 * multiplies by U^(1/shape) (Marsaglia & Tsang 2000, §6), in log space so tiny
 * shapes (alpha = 0.01) do not underflow to zero.
 */
export function logGamma(shape: number, rng: Rng): number {
  if (shape >= 1) return logGammaAtLeastOne(shape, rng);
  return logGammaAtLeastOne(shape + 1, rng) + Math.log(1 - rng()) / shape;
}

/**
 * A draw from the symmetric Dirichlet(alpha, ..., alpha) over `k` categories,
 * as normalised Gamma draws (log-sum-exp, so it always sums to 1).
 *
 * @example
 * const p = sampleDirichlet(0.5, 10, seededRng(1)); // 10 non-negative numbers summing to 1
 */
export function sampleDirichlet(alpha: number, k: number, rng: Rng): number[] {
  const logs = Array.from({ length: k }, () => logGamma(alpha, rng));
  const max = logs.reduce((m, l) => Math.max(m, l), Number.NEGATIVE_INFINITY);
  const weights = logs.map((l) => Math.exp(l - max));
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}
