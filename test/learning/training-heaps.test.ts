import { Worker } from 'node:worker_threads';
import { sizeTrainingThreadHeaps } from '@federa/cli';
import { describe, expect, it } from 'vitest';

// A thread that keeps about 73 MB of small objects alive (measured with --expose-gc; a training
// thread keeps ~20 MB, and TF.js promotes ~20 MB/s more), and counts the full (major) collections
// V8 ran meanwhile: under the 128 MB start, over V8's own.
const RETAIN_AND_COUNT = `
const { parentPort } = require('node:worker_threads');
const { PerformanceObserver, constants } = require('node:perf_hooks');
let majors = 0;
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
});
observer.observe({ entryTypes: ['gc'] });
const kept = [];
for (let i = 0; i < 1_000_000; i++) kept.push({ i, s: 'x' + i });
setTimeout(() => parentPort.postMessage({ majors, kept: kept.length }), 50);
`;

function majorCollections(): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(RETAIN_AND_COUNT, { eval: true });
    worker.once('message', (m: { majors: number }) => {
      void worker.terminate();
      resolve(m.majors);
    });
    worker.once('error', reject);
  });
}

describe('training threads start with a larger heap (client-hosts.ts)', () => {
  it(`a thread made after sizeTrainingThreadHeaps() keeps ~73 MB live without a full collection; one made before needs them`, async () => {
    const before = await majorCollections();
    sizeTrainingThreadHeaps();
    const after = await majorCollections();
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(0);
  }, 60_000);
});
