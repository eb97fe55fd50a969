import { describe, expect, it, vi } from 'vitest';
import { ROWS, createFixture, startApp } from './fixture.js';

describe('bounded inference queue over HTTP', () => {
  it('answers 503 FEDERA_ERR_SERVING_OVERLOADED with Retry-After when full, and recovers', async () => {
    const fx = await createFixture(2);
    // A long queue delay keeps a partial batch waiting; a full batch (4 rows) flushes at once.
    const { app } = await startApp(fx, {
      batching: { maxBatchSize: 4, maxQueueDelayMs: 600_000, maxQueueRows: 4 },
    });
    try {
      const predict = (instances: number[][]) =>
        app.inject({ method: 'POST', url: '/v1/models/tiny/versions/1:predict', payload: { instances } });
      const waiting = predict(ROWS); // 3 rows: queued, not yet run
      await vi.waitFor(async () => {
        const depth = (await app.serving.metrics.queueDepth.get()).values.find(
          (v) => v.labels.version === '1',
        );
        expect(depth?.value).toBe(3);
      });
      const rejected = await predict([ROWS[0]!, ROWS[1]!]);
      expect(rejected.statusCode).toBe(503);
      expect(rejected.headers['retry-after']).toBe('1');
      expect(rejected.json()).toMatchObject({ code: 'FEDERA_ERR_SERVING_OVERLOADED', retryable: true });

      const tooBig = await predict([...ROWS, ...ROWS]);
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().code).toBe('FEDERA_ERR_SERVING_TOO_MANY_ROWS');

      const filler = await predict([ROWS[0]!]); // the 4th row completes the batch
      expect(filler.statusCode).toBe(200);
      expect((await waiting).statusCode).toBe(200);
      const batches = (await app.serving.metrics.batchSize.get()).values.find(
        (v) => v.metricName === 'federa_serving_batch_size_sum' && v.labels.version === '1',
      );
      // Warm-up runs outside the batcher, so the only batch is the merged one of 4 rows.
      expect(batches?.value).toBe(4);
    } finally {
      await app.close();
      await fx.close();
    }
  });
});
