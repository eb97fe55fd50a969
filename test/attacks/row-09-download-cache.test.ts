import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildCoordinator, startChildCoordinator } from './child-coordinator.js';

// Issue 11 row 9: every weight download re-read, re-hashed and re-encoded the model, with no limit on
// concurrent encodings: 24 concurrent downloads of a 30 MB model took RSS from 0.4 to 2.9 GB, and it stayed.
const MiB = 1024 * 1024;
const INPUTS = 3000;
const UNITS = 2500; // 7 502 500 float32 parameters: 30 MB per version
const topology = {
  class_name: 'Sequential',
  config: {
    name: 'big',
    layers: [{ class_name: 'Dense', config: { units: UNITS, batch_input_shape: [null, INPUTS] } }],
  },
};

/** GET `path` as `bearer`, counting the body's bytes without keeping them. */
function download(
  child: ChildCoordinator,
  path: string,
  bearer: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, child.url),
      { ca: child.ca, headers: { authorization: `Bearer ${bearer}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('row 9: concurrent model downloads (production configuration, coordinator in a child process)', () => {
  let child: ChildCoordinator;
  beforeAll(async () => {
    child = await startChildCoordinator();
    const created = await child.call('researcher', 'POST', '/api/runs', { id: 'big', topology });
    expect(created.status, created.text).toBe(201);
  });
  afterAll(() => child?.close());

  /** 24 concurrent downloads of each form; the peak child RSS while they ran (sampled after GC). */
  async function wave(): Promise<number> {
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await child.memory()).rss);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const paths = ['/api/runs/big/versions/0/weights', '/models/big/versions/0/group1-shard1of1.bin'];
    const results = await Promise.all(
      paths.flatMap((path) =>
        Array.from({ length: 24 }, () => download(child, path, child.tokens.researcher)),
      ),
    );
    sampling = false;
    await sampler;
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.bytes).toBeGreaterThanOrEqual((INPUTS * UNITS + UNITS) * 4);
    }
    return Math.max(peak, (await child.memory()).rss);
  }

  it('24 concurrent downloads of each form of a 30 MB model: encoded once, RSS bounded and flat on a second wave', async () => {
    const before = (await child.memory()).rss;
    const first = await wave();
    const second = await wave();
    const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
    console.log(
      `row 9: RSS ${mib(before)} before, first wave peak +${mib(first - before)}, second +${mib(second - first)}`,
    );
    // The first wave reads, checks and encodes each form once (a few copies of 30 MB); later downloads add nothing.
    expect(first - before).toBeLessThan(512 * MiB);
    expect(second - first).toBeLessThan(64 * MiB);
    expect(child.alive).toBe(true);
  });
});
