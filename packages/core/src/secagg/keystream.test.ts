import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdf, keystream, webCryptoMaskExpander } from './keystream.js';
import { WordAccumulator } from './word-accumulator.js';

const key = (label: number) => hkdf(new Uint8Array(32).fill(label), new Uint8Array([label]));

describe('webCryptoMaskExpander (fused, chunk-major)', () => {
  // 1 MiB chunks hold 262,144 words: cover a full chunk, a partial one and an odd tail.
  const length = 262_144 + 1_027;

  it('is AES-256-CTR from a zero counter block, read as little-endian words (node:crypto as reference)', async () => {
    const k = await key(7);
    const reference = createCipheriv('aes-256-ctr', k, Buffer.alloc(16)).update(Buffer.alloc(length * 4));
    const words = await keystream(k, length);
    expect(Buffer.from(words.buffer).equals(reference)).toBe(true);
  });

  it('equals applying each stream alone, and +PRG(k) then -PRG(k) cancels', async () => {
    const keys = await Promise.all([1, 2, 3].map(key));
    const signs = [1, -1, 1] as const;
    const fused = WordAccumulator.create(length);
    await webCryptoMaskExpander(
      fused,
      keys.map((k, i) => ({ key: k, sign: signs[i]! })),
    );
    const oneByOne = WordAccumulator.create(length);
    for (const [i, k] of keys.entries()) await webCryptoMaskExpander(oneByOne, [{ key: k, sign: signs[i]! }]);
    expect(fused.toWords(32)).toEqual(oneByOne.toWords(32));
    expect(fused.toWords(32).some((w) => w !== 0)).toBe(true);
    const cancel = WordAccumulator.create(length);
    await webCryptoMaskExpander(cancel, [
      { key: keys[0]!, sign: 1 },
      { key: keys[0]!, sign: -1 },
    ]);
    expect(cancel.toWords(32).every((w) => w === 0)).toBe(true);
  });

  it('leaves an empty vector alone and accepts no streams', async () => {
    const empty = WordAccumulator.create(0);
    await webCryptoMaskExpander(empty, [{ key: await key(9), sign: 1 }]);
    const some = WordAccumulator.create(3);
    await webCryptoMaskExpander(some, []);
    expect([...some.toWords(32)]).toEqual([0, 0, 0]);
  });
});
