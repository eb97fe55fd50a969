import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/** How many of the probe's eight calls TurboFan inlined when it optimized it (fixtures/inlining-probe.mjs). */
function inlinedProbeCalls(cheap: boolean): number {
  const fixture = fileURLToPath(new URL('./fixtures/inlining-probe.mjs', import.meta.url));
  const r = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '--trace-turbo-inlining', fixture, ...(cheap ? ['cheap'] : [])],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/^probe \d+$/m);
  return r.stdout.split('\n').filter((line) => /^Inlining .*probeCallee/.test(line)).length;
}

describe('simulation V8 settings (simulation-v8.ts)', () => {
  it(`a thread made after sizeTrainingThreadHeaps() keeps ~73 MB live without a full collection; one made before needs them`, async () => {
    const before = await majorCollections();
    sizeTrainingThreadHeaps();
    const after = await majorCollections();
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(0);
  }, 60_000);

  it("a simulation's coordinator collects its heap less than once a round (V8 left alone: about twice)", () => {
    // growSimulationHeaps(): without it this counted 14 full collections in 7 rounds, with it 1.
    const fixture = fileURLToPath(new URL('./fixtures/coordinator-collections.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { rounds, majors } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      rounds: number;
      majors: number;
    };
    expect(majors).toBeLessThan(rounds);
  }, 150_000);

  it('a running thread compiles with the smaller inlining budget once cheapenSimulationCompiles() is called', () => {
    // Measured: 4 of the 8 calls inlined at V8's budget, 1 at SIMULATION_INLINING_BUDGET.
    const atV8sBudget = inlinedProbeCalls(false);
    const atOurs = inlinedProbeCalls(true);
    expect(atV8sBudget).toBeGreaterThan(1);
    expect(atOurs).toBeLessThan(atV8sBudget);
  }, 120_000);
});
