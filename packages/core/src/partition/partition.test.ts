import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import { describePartition, partitionIndices } from './partition.js';
import type { PartitionSpec } from './spec.js';

/** `perClass` examples of each of `classes` labels, interleaved like a real dataset. */
function balancedLabels(classes: number, perClass: number): Uint8Array {
  return Uint8Array.from({ length: classes * perClass }, (_, i) => i % classes);
}

function expectExactCover(parts: number[][], n: number): void {
  const seen = new Uint8Array(n);
  for (const p of parts) for (const i of p) seen[i]!++;
  expect(seen.every((c) => c === 1)).toBe(true);
}

/** Mean over clients of the share of its most common class: 1/classes when IID, 1 when single-class. */
function meanMaxClassShare(labels: Uint8Array, parts: number[][], classes: number): number {
  const { sizes, classCounts } = describePartition(labels, parts, classes);
  const shares = classCounts.map((counts, c) => Math.max(...counts) / sizes[c]!);
  return shares.reduce((s, x) => s + x, 0) / shares.length;
}

const specArb: fc.Arbitrary<PartitionSpec> = fc.oneof(
  fc.constant<PartitionSpec>({ kind: 'iid' }),
  fc
    .integer({ min: 1, max: 4 })
    .map((shardsPerClient): PartitionSpec => ({ kind: 'shards', shardsPerClient })),
  fc
    .double({ min: 0.05, max: 50, noNaN: true })
    .map((alpha): PartitionSpec => ({ kind: 'dirichlet', alpha, minPerClient: 0 })),
);

describe('partitionIndices', () => {
  it('uses every index exactly once, for any spec, labels and seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 40, maxLength: 400 }),
        fc.integer({ min: 1, max: 10 }),
        specArb,
        fc.string(),
        (labels, numClients, spec, seed) => {
          const parts = partitionIndices(labels, numClients, spec, seed);
          expect(parts).toHaveLength(numClients);
          expectExactCover(parts, labels.length);
          for (const p of parts) expect(p).toEqual(p.slice().sort((a, b) => a - b));
        },
      ),
    );
  });

  it('gives IID clients sizes that differ by at most one and near-uniform classes', () => {
    const labels = balancedLabels(10, 1000);
    const parts = partitionIndices(labels, 7, { kind: 'iid' }, 1);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(meanMaxClassShare(labels, parts, 10)).toBeLessThan(0.15);
  });

  it('replays the same partition for the same seed and changes with the seed', () => {
    const labels = balancedLabels(10, 100);
    for (const spec of [
      { kind: 'iid' },
      { kind: 'shards', shardsPerClient: 2 },
      { kind: 'dirichlet', alpha: 0.5 },
    ] satisfies PartitionSpec[]) {
      expect(partitionIndices(labels, 10, spec, 'x')).toEqual(partitionIndices(labels, 10, spec, 'x'));
      expect(partitionIndices(labels, 10, spec, 'x')).not.toEqual(partitionIndices(labels, 10, spec, 'y'));
    }
  });

  it('shards: exactly shardsPerClient classes per client when shards align with classes', () => {
    const labels = balancedLabels(10, 100); // 50 clients x 2 shards of 10: no shard straddles a class
    const parts = partitionIndices(labels, 50, { kind: 'shards', shardsPerClient: 2 }, 3);
    const { sizes, classCounts } = describePartition(labels, parts, 10);
    expect(sizes.every((s) => s === 20)).toBe(true);
    for (const counts of classCounts) {
      const held = counts.filter((c) => c > 0).length;
      expect(held).toBeGreaterThanOrEqual(1);
      expect(held).toBeLessThanOrEqual(2);
    }
  });

  it('shards: at most 2 x shardsPerClient classes when shards straddle class boundaries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 20 }),
        fc.nat(),
        (spc, clients, seed) => {
          const classSizes = [97, 130, 88, 101, 120, 95, 110, 99, 105, 91];
          const labels = Uint8Array.from(classSizes.flatMap((m, k) => new Array<number>(m).fill(k)));
          const shardSize = Math.ceil(labels.length / (clients * spc));
          fc.pre(shardSize <= Math.min(...classSizes)); // a shard then spans at most two classes
          const parts = partitionIndices(labels, clients, { kind: 'shards', shardsPerClient: spc }, seed);
          for (const counts of describePartition(labels, parts, 10).classCounts) {
            expect(counts.filter((c) => c > 0).length).toBeLessThanOrEqual(2 * spc);
          }
        },
      ),
    );
  });

  it('dirichlet: every client gets at least minPerClient examples', () => {
    const labels = balancedLabels(10, 800);
    for (const minPerClient of [10, 50]) {
      const parts = partitionIndices(labels, 20, { kind: 'dirichlet', alpha: 0.3, minPerClient }, 5);
      expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(minPerClient);
    }
  });

  it('dirichlet: alpha = 0.1 is far more label-skewed than alpha = 100', () => {
    const labels = balancedLabels(10, 800);
    const skew = (alpha: number) =>
      meanMaxClassShare(labels, partitionIndices(labels, 20, { kind: 'dirichlet', alpha }, 11), 10);
    const skewed = skew(0.1);
    const even = skew(100);
    expect(skewed).toBeGreaterThan(0.5);
    expect(even).toBeLessThan(0.2);
  });

  it.each([
    ['more clients than examples', 11, { kind: 'iid' }],
    ['zero clients', 0, { kind: 'iid' }],
    ['fractional clients', 2.5, { kind: 'iid' }],
    ['more shards than examples', 4, { kind: 'shards', shardsPerClient: 3 }],
    ['zero shards', 4, { kind: 'shards', shardsPerClient: 0 }],
    ['alpha <= 0', 2, { kind: 'dirichlet', alpha: 0 }],
    ['an unreachable floor', 2, { kind: 'dirichlet', alpha: 1, minPerClient: 6 }],
  ] satisfies [string, number, PartitionSpec][])(
    'rejects %s with FEDERA_ERR_CORE_CONFIG_INVALID',
    (_, n, spec) => {
      const labels = balancedLabels(2, 5);
      let caught: unknown;
      try {
        partitionIndices(labels, n, spec, 0);
      } catch (e) {
        caught = e;
      }
      expect(isFederaError(caught) && caught.code).toBe('FEDERA_ERR_CORE_CONFIG_INVALID');
    },
  );

  it('gives up with a typed error when no Dirichlet draw can meet the floor', () => {
    const labels = balancedLabels(10, 800); // 100 clients, alpha 0.1: many clients get ~0 examples per draw
    expect(() =>
      partitionIndices(labels, 100, { kind: 'dirichlet', alpha: 0.1, minPerClient: 10 }, 1),
    ).toThrow(/no Dir\(0\.1\) draw/);
  });

  it('rejects labels that are not class ids with a TypeError', () => {
    expect(() => partitionIndices([0, 1, -1], 1, { kind: 'iid' }, 0)).toThrow(TypeError);
    expect(() => partitionIndices([0, 1.5], 1, { kind: 'iid' }, 0)).toThrow(TypeError);
  });
});

describe('describePartition', () => {
  it('counts sizes and classes per client', () => {
    const labels = [0, 1, 1, 2, 2, 2];
    expect(
      describePartition(
        labels,
        [
          [0, 3],
          [1, 2, 4, 5],
        ],
        3,
      ),
    ).toEqual({
      sizes: [2, 4],
      classCounts: [
        [1, 0, 1],
        [0, 2, 2],
      ],
    });
  });
});
