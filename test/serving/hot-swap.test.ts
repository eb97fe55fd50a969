import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROWS, createFixture, startApp } from './fixture.js';

interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  '2xx': number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

describe('hot swap', () => {
  it('moving a label under continuous load fails zero requests, even with eviction of old versions', async () => {
    const fx = await createFixture(4);
    // One loaded version at most: every move evicts the version that requests are still using.
    const { app } = await startApp(fx, {
      maxLoadedVersions: 1,
      batching: { maxBatchSize: 64, maxQueueDelayMs: 2 },
    });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      await app.serving.registry.setLabel('tiny', 'stable', 1, 'promote');
      let done = false;
      const load = Promise.resolve(
        autocannon({
          url: `${base}/v1/models/tiny:predict`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances: ROWS }),
          connections: 8,
          amount: 4000,
          timeout: 30,
        }),
      ).finally(() => {
        done = true;
      });
      let movesUnderLoad = 0;
      for (let i = 0; !done; i++) {
        const res = await fetch(`${base}/v1/registry/models/tiny/labels/stable`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ version: [2, 3, 1][i % 3] }),
        });
        expect(res.status).toBe(200);
        // Read the reply: an unread body keeps its connection busy, so each move opened a new one and
        // app.close() then waited on hundreds of them (a 60 s hang on a fast machine).
        await res.arrayBuffer();
        if (!done) movesUnderLoad++;
      }
      const result = await load;
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result['2xx']).toBe(4000);
      expect(movesUnderLoad).toBeGreaterThanOrEqual(3);
      const served = (await app.serving.metrics.requests.get()).values.filter(
        (v) => v.labels.status === '200',
      );
      expect(new Set(served.map((v) => v.labels.version)).size).toBeGreaterThanOrEqual(2);
      expect(app.serving.cache.loaded().length).toBe(1);
    } finally {
      await app.close();
      await fx.close();
    }
  });
});
