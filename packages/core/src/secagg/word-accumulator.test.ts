import { describe, expect, it } from 'vitest';
import { WordAccumulator } from './word-accumulator.js';

/** Deterministic bytes for test vectors (no secrecy needed). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('WordAccumulator', () => {
  it('uses the WebAssembly SIMD kernel on this platform', () => {
    expect(WordAccumulator.create(10).simd).toBe(true);
    expect(WordAccumulator.create(10, { simd: false }).simd).toBe(false);
  });

  it('SIMD and JS paths agree on adds and subtracts at any offset and length, past the scratch size', () => {
    const length = 40_003; // 160 kB: pieces larger than the 64 KiB scratch, an odd tail
    const simd = WordAccumulator.create(length);
    const js = WordAccumulator.create(length, { simd: false });
    const reference = new Uint32Array(length);
    const cases = [
      { offset: 0, words: length, sign: 1 },
      { offset: 5, words: 16_387, sign: -1 },
      { offset: 39_990, words: 13, sign: 1 },
      { offset: 1, words: 1, sign: -1 },
      { offset: 7, words: 30_001, sign: 1 },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const data = bytes(c.words * 4, i + 1);
      simd.add(data, c.offset, c.sign);
      js.add(data, c.offset, c.sign);
      const view = new DataView(data.buffer);
      for (let w = 0; w < c.words; w++)
        reference[c.offset + w] = (reference[c.offset + w]! + c.sign * view.getUint32(w * 4, true)) >>> 0;
    }
    expect(simd.toWords(32)).toEqual(reference);
    expect(js.toWords(32)).toEqual(reference);
    expect(simd.toWords(20)).toEqual(reference.map((w) => w & 0xfffff));
  });

  it('adds an unaligned slice and leaves words outside the slice untouched', () => {
    const backing = new Uint8Array(4 * 6 + 1);
    backing.set(bytes(24, 9), 1);
    const acc = WordAccumulator.create(8);
    acc.add(backing.subarray(1, 25), 1, 1);
    const words = acc.toWords(32);
    expect(words[0]).toBe(0);
    expect(words[7]).toBe(0);
    expect(words[1]).toBe(new DataView(backing.buffer, 1).getUint32(0, true));
  });

  it('clones independently and rejects out-of-range adds', () => {
    const acc = WordAccumulator.create(4);
    acc.add(new Uint8Array([1, 0, 0, 0]), 0, 1);
    const copy = acc.clone();
    copy.add(new Uint8Array([1, 0, 0, 0]), 0, 1);
    expect([...acc.toWords(32)]).toEqual([1, 0, 0, 0]);
    expect([...copy.toWords(32)]).toEqual([2, 0, 0, 0]);
    expect(() => acc.add(new Uint8Array(8), 3, 1)).toThrow(RangeError);
    expect(() => acc.add(new Uint8Array(3), 0, 1)).toThrow(RangeError);
  });
});
