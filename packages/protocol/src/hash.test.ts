import { createHash } from 'node:crypto';
import type { TensorSpec } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalWeightsBytes, hashWeights, sha256 } from './hash.js';

const specs: TensorSpec[] = [
  { name: 'w', shape: [2] },
  { name: 'b', shape: [1] },
];
const weights = [new Float32Array([1, -2]), new Float32Array([0.5])];
/** Quoted in docs/protocol.md, "Hashing". */
const GOLDEN_HASH = 'defbdbd52543710443b7eb4f42dd7413b00718468fbc0302809a3fb419dbbf98';

describe('hashWeights', () => {
  it('digests the documented canonical encoding (golden vector for other languages)', async () => {
    // "federa.weights.v1\0", count=2, then per tensor: name len, name, rank, dims, LE float32 data.
    const hex =
      '6665646572612e776569676874732e763100' +
      '02000000' +
      '01000000' +
      '77' +
      '01000000' +
      '02000000' +
      '0000803f' +
      '000000c0' +
      '01000000' +
      '62' +
      '01000000' +
      '01000000' +
      '0000003f';
    expect(Buffer.from(canonicalWeightsBytes(specs, weights)).toString('hex')).toBe(hex);
    const expected = createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
    expect(expected).toBe(GOLDEN_HASH);
    expect(await hashWeights(specs, weights)).toBe(GOLDEN_HASH);
  });

  it('is deterministic and 64 lowercase hex characters', async () => {
    const a = await hashWeights(specs, weights);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await hashWeights(
        specs,
        weights.map((w) => w.slice()),
      ),
    ).toBe(a);
  });

  it('changes on any 1-bit flip of the data (property)', async () => {
    const base = await hashWeights(specs, weights);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (t, byte, bit) => {
          const flipped = weights.map((w) => w.slice());
          const bytes = new Uint8Array(flipped[t]!.buffer);
          bytes[byte % bytes.length]! ^= 1 << bit;
          expect(await hashWeights(specs, flipped)).not.toBe(base);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('changes when a name or shape changes, even with identical data', async () => {
    const base = await hashWeights(specs, weights);
    expect(await hashWeights([{ name: 'W', shape: [2] }, specs[1]!], weights)).not.toBe(base);
    expect(await hashWeights([{ name: 'w', shape: [2, 1] }, specs[1]!], weights)).not.toBe(base);
    // Same concatenated names and data, different split: length prefixes keep them apart.
    const merged = [{ name: 'wb', shape: [3] }];
    expect(await hashWeights(merged, [new Float32Array([1, -2, 0.5])])).not.toBe(base);
  });

  it('throws TypeError when weights do not fit the specs', async () => {
    await expect(hashWeights(specs, [weights[0]!])).rejects.toThrow(TypeError);
  });

  it('hashes in pieces in Node exactly as WebCrypto hashes the canonical bytes (property)', async () => {
    const model = fc.array(
      fc.record({
        name: fc.string({ maxLength: 6 }),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      }),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(model, fc.integer({ min: 0, max: 3 }), async (layout, offset) => {
        const ss: TensorSpec[] = layout.map((t) => ({ name: t.name, shape: t.shape }));
        // Weights as views at an offset inside a larger buffer, as decoded frames can be.
        const ws = ss.map((s, i) => {
          const n = s.shape.reduce((a, d) => a * d, 1);
          return new Float32Array(n + offset).map((_, j) => j * 0.25 - i).subarray(offset);
        });
        const web = new Uint8Array(
          await crypto.subtle.digest('SHA-256', canonicalWeightsBytes(ss, ws) as Uint8Array<ArrayBuffer>),
        );
        expect(await hashWeights(ss, ws)).toBe(Buffer.from(web).toString('hex'));
      }),
      { numRuns: 60 },
    );
  });
});

describe('sha256', () => {
  it('matches WebCrypto on views at any offset and length (Node hashes with node:crypto)', async () => {
    expect(typeof process.getBuiltinModule).toBe('function');
    const backing = new Uint8Array(70_000).map((_, i) => (i * 31) & 255);
    for (const [from, to] of [
      [0, 0],
      [3, 4],
      [7, 65_543],
      [0, 70_000],
    ] as const) {
      const view = backing.subarray(from, to);
      const web = new Uint8Array(await crypto.subtle.digest('SHA-256', view));
      const ours = await sha256(view);
      expect(ours).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(web).toString('hex'));
    }
  });
});
