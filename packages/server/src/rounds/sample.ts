/** Random hex id from the crypto source. */
export function randomId(bytes = 8): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Uniform sample of up to `count` ids without replacement (Fisher-Yates).
 * Unseeded draws come from crypto; a seed makes simulations reproducible.
 */
export function sampleIds(ids: readonly string[], count: number, seed?: string | false): string[] {
  const pool = [...ids].sort();
  const next = seed ? seededUniform(seed) : cryptoUniform;
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(count, pool.length));
}

function cryptoUniform(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

// FNV-1a hash of the seed into mulberry32: reproducible simulation sampling only, never privacy.
function seededUniform(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
