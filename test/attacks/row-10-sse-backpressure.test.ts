import { connect } from 'node:tls';
import { SSE_MAX_BUFFERED_BYTES } from '@federa/server';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { startChildCoordinator } from './child-coordinator.js';

// Issue 11 row 10: the dashboard's SSE stream had no backpressure: one stream that never reads,
// plus hello churn, took the coordinator from 138 to 835 MiB in 10 s.

const MiB = 1024 * 1024;
const RSS_GROWTH_BOUND = 64 * MiB;
const CHURN = 300;

describe('row 10: a dashboard stream that never reads', () => {
  it('is closed once its send buffer passes the bound, while hello churn goes on; RSS stays bounded', async () => {
    // Tokens, TLS, no device identity: any client-token hello is welcomed, so every hello is an event.
    const child = await startChildCoordinator({ identity: null });
    const open: RawClient[] = [];
    try {
      const { port } = new URL(child.url);
      const stalled = connect({
        host: '127.0.0.1',
        port: Number(port),
        ca: child.ca,
        servername: 'localhost',
      });
      await new Promise<void>((resolve, reject) =>
        stalled.once('secureConnect', resolve).once('error', reject),
      );
      stalled.write(
        `GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${child.tokens.viewer}\r\n\r\n`,
      );
      let received = 0;
      let ended = false;
      stalled.on('data', (d: Buffer) => {
        received += d.length;
      });
      stalled.on('close', () => {
        ended = true;
      });
      await waitFor(() => received > 0, 10_000);
      stalled.pause();
      const before = await child.memory();

      // Every hello and goodbye is broadcast with the list of connected ids (120 characters each).
      for (let i = 0; i < CHURN; i += 25) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(25, CHURN - i) }, async (_, j) => {
            const { raw, nonce } = await RawClient.open(child.url, { ca: child.ca });
            const id = `churn-${i + j}-`.padEnd(120, 'x');
            await raw.send({
              kind: 'hello',
              hello: await RawClient.hello(id, nonce, undefined, [], child.tokens.client),
            });
            await raw.next('welcome');
            return raw;
          }),
        );
        open.push(...batch);
      }
      for (const raw of open.splice(0)) raw.close();
      const after = await child.memory();
      console.log(
        `row 10: rss before ${(before.rss / MiB).toFixed(0)} MiB, after ${(after.rss / MiB).toFixed(0)} MiB (send buffer bound ${SSE_MAX_BUFFERED_BYTES} bytes)`,
      );
      expect(after.rss - before.rss).toBeLessThan(RSS_GROWTH_BOUND);

      // Reading again drains what was in flight, then the stream ends: the server closed it.
      stalled.resume();
      await waitFor(() => ended, 20_000);
      expect(child.alive).toBe(true);
      const runs = await child.call('viewer', 'GET', '/api/runs');
      expect(runs.status).toBe(200);
    } finally {
      for (const raw of open) raw.close();
      await child.close();
    }
  }, 180_000);
});
