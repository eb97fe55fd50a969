import { createRequire } from 'node:module';
import { partitionIndices } from '@federa/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabelledData } from './labelled.js';
import { selectRows } from './labelled.js';
import { loadMnist } from './mnist.js';

const mnist = createRequire(import.meta.url)('mnist') as Record<
  number,
  { length: number; get(i: number): number[] }
>;
const perDigit = Array.from({ length: 10 }, (_, d) => mnist[d]!.length);

function row(data: LabelledData, r: number): Float32Array {
  return data.x.subarray(r * data.features, (r + 1) * data.features);
}

function rowKey(data: LabelledData, r: number): string {
  return Buffer.from(row(data, r).buffer, row(data, r).byteOffset, data.features * 4).toString('base64');
}

describe('loadMnist', () => {
  let train: LabelledData;
  let test: LabelledData;
  beforeAll(() => {
    ({ train, test } = loadMnist());
  });

  it('splits each digit 80/20 into 784-feature, 10-class sets', () => {
    expect(train.n + test.n).toBe(perDigit.reduce((s, c) => s + c, 0));
    for (const data of [train, test]) {
      expect(data.features).toBe(784);
      expect(data.classes).toBe(10);
      expect(data.x.length).toBe(data.n * 784);
      expect(data.y.length).toBe(data.n);
    }
    for (let d = 0; d < 10; d++) {
      const inTest = test.y.filter((y) => y === d).length;
      expect(inTest).toBe(Math.round(perDigit[d]! * 0.2));
      expect(train.y.filter((y) => y === d).length).toBe(perDigit[d]! - inTest);
    }
  });

  it('has labels 0-9 and grey levels in [0, 1]', () => {
    for (const data of [train, test]) {
      expect(new Set(data.y)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      expect(data.x.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(data.x.some((v) => v > 0.5)).toBe(true);
    }
  });

  it('copies the package images unchanged: the last 20% of each digit are the test rows', () => {
    const firstTestOfTwo = perDigit[2]! - Math.round(perDigit[2]! * 0.2);
    const testRowOfTwo = test.y.indexOf(2);
    expect(Array.from(row(test, testRowOfTwo))).toEqual(
      Array.from(Float32Array.from(mnist[2]!.get(firstTestOfTwo))),
    );
    expect(Array.from(row(train, train.y.indexOf(2)))).toEqual(
      Array.from(Float32Array.from(mnist[2]!.get(0))),
    );
  });

  it('never puts a test image in the training set', () => {
    const trainKeys = new Set(Array.from({ length: train.n }, (_, r) => rowKey(train, r)));
    const leaked = Array.from({ length: test.n }, (_, r) => rowKey(test, r)).filter((k) => trainKeys.has(k));
    expect(leaked).toEqual([]);
  });

  it('is deterministic and honours testFraction', () => {
    const again = loadMnist();
    expect(Buffer.from(again.test.x.buffer).equals(Buffer.from(test.x.buffer))).toBe(true);
    expect(Buffer.from(again.train.x.buffer).equals(Buffer.from(train.x.buffer))).toBe(true);
    const tenth = loadMnist({ testFraction: 0.1 });
    expect(tenth.test.n).toBe(perDigit.reduce((s, c) => s + Math.round(c * 0.1), 0));
    expect(loadMnist({ testFraction: 0 }).test.n).toBe(0);
    expect(() => loadMnist({ testFraction: 1 })).toThrow(/testFraction/);
  });

  it('feeds partitionIndices and selectRows to build client datasets', () => {
    const parts = partitionIndices(train.y, 5, { kind: 'shards', shardsPerClient: 2 }, 'mnist');
    const clients = parts.map((p) => selectRows(train, p));
    expect(clients.reduce((s, c) => s + c.n, 0)).toBe(train.n);
    const first = parts[0]![0]!;
    expect(row(clients[0]!, 0)).toEqual(row(train, first));
    expect(clients[0]!.y[0]).toBe(train.y[first]);
    expect(() => selectRows(train, [train.n])).toThrow(RangeError);
  });
});
