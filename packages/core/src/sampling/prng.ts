import { sha256 } from './sha256.js';

/** A stream of uniform 32-bit words. */
export type WordSource = () => number;

/**
 * xoshiro128** (Blackman & Vigna 2018, "Scrambled Linear Pseudorandom Number
 * Generators") keyed by SHA-256 of the UTF-8 seed. Reproducible across
 * platforms; NOT cryptographic, so never for masks, keys or DP noise.
 */
export function seededWords(seed: string): WordSource {
  const digest = sha256(new TextEncoder().encode(seed));
  const view = new DataView(digest.buffer);
  const s = new Uint32Array([view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)]);
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s[0] = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Words from the platform CSPRNG (`crypto.getRandomValues`), buffered. */
export function cryptoWords(): WordSource {
  const buffer = new Uint32Array(256);
  let next = buffer.length;
  return () => {
    if (next === buffer.length) {
      globalThis.crypto.getRandomValues(buffer);
      next = 0;
    }
    return buffer[next++]!;
  };
}

/**
 * Seeded uniform generator in [0, 1) with 53 random bits per draw, for
 * reproducible simulations (data partitioning, client behaviour).
 *
 * @example
 * const rand = seededRandom('experiment-7');
 * const x = rand(); // same sequence on every run and platform
 */
export function seededRandom(seed: string): () => number {
  const words = seededWords(seed);
  return () => ((words() >>> 5) * 67108864 + (words() >>> 6)) / 9007199254740992;
}

/** Uniform integer in [0, bound) by rejection sampling, so no index is favoured. */
export function uniformInt(words: WordSource, bound: number): number {
  if (!(Number.isInteger(bound) && bound > 0 && bound <= 2 ** 32)) throw new RangeError(`bad bound ${bound}`);
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const w = words();
    if (w < limit) return w % bound;
  }
}
