import { describe, expect, it } from 'vitest';
import { applyKeystream, applyKeystreams, deriveAesKey } from './keystream.js';

const key = (label: number) =>
  deriveAesKey(new Uint8Array(32).fill(label), new Uint8Array([label]), 'AES-CTR');

describe('applyKeystreams (fused, chunk-major)', () => {
  it.each([32, 20])('equals applying each stream alone, across chunk boundaries (m = %i)', async (m) => {
    // 1 MiB chunks hold 262,144 words: cover a full chunk, a partial one and an odd tail.
    const length = 262_144 + 1_027;
    const keys = await Promise.all([1, 2, 3].map(key));
    const signs = [1, -1, 1] as const;
    const start = Uint32Array.from(
      { length },
      (_, i) => (i * 2_654_435_761) & (m === 32 ? 0xffffffff : 0xfffff),
    );
    const fused = start.slice();
    await applyKeystreams(
      fused,
      keys.map((k, i) => ({ key: k, sign: signs[i]! })),
      m,
    );
    const oneByOne = start.slice();
    for (const [i, k] of keys.entries()) await applyKeystream(oneByOne, k, signs[i]!, m);
    expect(sameWords(fused, oneByOne)).toBe(true);
    expect(sameWords(fused, start)).toBe(false);
    // +PRG(k1) then -PRG(k1) cancels exactly.
    const cancel = start.slice();
    await applyKeystreams(
      cancel,
      [
        { key: keys[0]!, sign: 1 },
        { key: keys[0]!, sign: -1 },
      ],
      m,
    );
    expect(sameWords(cancel, start)).toBe(true);
  });

  it('leaves an empty vector alone and accepts no streams', async () => {
    const empty = new Uint32Array(0);
    await applyKeystreams(empty, [{ key: await key(9), sign: 1 }], 32);
    const some = Uint32Array.of(1, 2, 3);
    await applyKeystreams(some, [], 32);
    expect([...some]).toEqual([1, 2, 3]);
  });
});

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}
