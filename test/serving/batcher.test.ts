import { isFederaError } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamicBatcher } from '@federa/server';

/** Executor of a "model" that doubles each value; it records batch sizes and can be held open. */
function doubler() {
  const batches: number[] = [];
  let release: () => void = () => {};
  let hold: Promise<void> | undefined;
  return {
    batches,
    hold() {
      hold = new Promise((r) => {
        release = r;
      });
    },
    release: () => release(),
    execute: async (input: Float32Array, rows: number) => {
      batches.push(rows);
      if (hold) await hold;
      return input.map((x) => x * 2);
    },
  };
}

describe('DynamicBatcher', () => {
  it('merges requests that arrive while a batch runs, answering each with its own rows', async () => {
    const model = doubler();
    const batcher = new DynamicBatcher(
      { maxBatchSize: 8, maxQueueDelayMs: 0, maxQueueRows: 64 },
      model.execute,
      2,
      2,
    );
    model.hold();
    const first = batcher.submit(Float32Array.of(1, 2), 1);
    // Let the first batch start, then queue three more behind it.
    await new Promise((r) => setImmediate(r));
    const rest = [batcher.submit(Float32Array.of(3, 4), 1), batcher.submit(Float32Array.of(5, 6, 7, 8), 2)];
    expect(batcher.depth).toBe(3);
    model.release();
    expect(Array.from(await first)).toEqual([2, 4]);
    expect((await Promise.all(rest)).map((r) => Array.from(r))).toEqual([
      [6, 8],
      [10, 12, 14, 16],
    ]);
    expect(model.batches).toEqual([1, 3]);
  });

  it('with batch size 1 every request is its own predict', async () => {
    const model = doubler();
    const batcher = new DynamicBatcher(
      { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueRows: 64 },
      model.execute,
      1,
      1,
    );
    await Promise.all([1, 2, 3].map((x) => batcher.submit(Float32Array.of(x), 1)));
    expect(model.batches).toEqual([1, 1, 1]);
  });

  it('a bounded queue rejects overflow with a retryable FEDERA_ERR_SERVING_OVERLOADED', async () => {
    const model = doubler();
    const batcher = new DynamicBatcher(
      { maxBatchSize: 4, maxQueueDelayMs: 0, maxQueueRows: 3 },
      model.execute,
      1,
      1,
    );
    model.hold();
    const running = batcher.submit(Float32Array.of(1), 1);
    await new Promise((r) => setImmediate(r));
    const queued = [batcher.submit(Float32Array.of(2, 3), 2), batcher.submit(Float32Array.of(4), 1)];
    const overflow = await batcher.submit(Float32Array.of(5), 1).catch((e: unknown) => e);
    expect(isFederaError(overflow) && overflow.code).toBe('FEDERA_ERR_SERVING_OVERLOADED');
    expect(isFederaError(overflow) && overflow.retryable).toBe(true);
    model.release();
    await Promise.all([running, ...queued]);
    // Capacity is back after the queue drained.
    expect(Array.from(await batcher.submit(Float32Array.of(6), 1))).toEqual([12]);
  });

  it('property: any interleaving of request sizes gets exactly its own answers, batches within the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (sizes, maxBatchSize) => {
          const model = doubler();
          const batcher = new DynamicBatcher(
            { maxBatchSize, maxQueueDelayMs: 0, maxQueueRows: 1000 },
            model.execute,
            1,
            1,
          );
          let next = 0;
          const inputs = sizes.map((n) => Float32Array.from({ length: n }, () => next++));
          const outputs = await Promise.all(inputs.map((x) => batcher.submit(x, x.length)));
          outputs.forEach((out, i) => {
            expect(Array.from(out)).toEqual(Array.from(inputs[i]!, (x) => x * 2));
          });
          for (const b of model.batches) expect(b <= maxBatchSize || sizes.includes(b)).toBe(true);
          expect(model.batches.reduce((a, b) => a + b, 0)).toBe(next);
        },
      ),
    );
  });
});
