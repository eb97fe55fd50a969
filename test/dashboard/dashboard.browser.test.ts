import { mkdir } from 'node:fs/promises';
import type { Weights } from '@federa/core';
import { type FederaClient, trainLocally } from '@federa/client';
import * as tf from '@tensorflow/tfjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { type RunRecord, initTfBackend, modelFromTopology, setModelWeights } from '@federa/server';
import { startClient, tinyData, tinyTopology } from '../helpers/federation.js';
import { type FullServer, startFullServer } from './full-server.js';

const SKIP = skipBrowserTests('dashboard');
const ADMIN = 'dashboard-admin-token';

/** Training permits: each local training waits for one, so the test decides when rounds finish. */
class Permits {
  private waiting: Array<() => void> = [];
  private available = 0;
  release(n: number): void {
    this.available += n;
    while (this.available > 0 && this.waiting.length > 0) {
      this.available--;
      this.waiting.shift()!();
    }
  }
  async take(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

async function accuracyOn(run: RunRecord, weights: Weights) {
  const test = tinyData(30, 5);
  const model = await modelFromTopology(run.topology);
  setModelWeights(model, run.specs, weights);
  const acc = tf.tidy(() => {
    const probs = model.predict(tf.tensor2d(test.x, [test.n, 8])) as tf.Tensor2D;
    return tf
      .mean(tf.cast(tf.equal(tf.argMax(probs, 1), tf.tensor1d(Int32Array.from(test.y))), 'float32'))
      .dataSync()[0]!;
  });
  model.dispose();
  return { test_accuracy: acc };
}

describe.skipIf(SKIP)('dashboard in a real browser', () => {
  let server: FullServer;
  let browser: Browser;
  const clients: FederaClient[] = [];
  const permits = new Permits();

  beforeAll(async () => {
    await initTfBackend(() => {});
    server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }], evaluate: accuracyOn });
    await server.coordinator.createRun({
      settings: {
        id: 'live',
        rounds: 4,
        clientsPerRound: 2,
        minClients: 2,
        localEpochs: 1,
        batchSize: 8,
        learningRate: 0.3,
      },
      topology: tinyTopology(),
    });
    for (const [i, n] of [20, 30].entries()) {
      const trainer = async (job: Parameters<typeof trainLocally>[0]) => {
        await permits.take();
        return trainLocally(job);
      };
      clients.push(
        (
          await startClient(server.url, `hospital-${i + 1}`, tinyData(n, i), {
            runs: ['live'],
            trainer,
            token: ADMIN,
          })
        ).client,
      );
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    permits.release(1000);
    await browser?.close();
    await Promise.all(clients.map((c) => c.stop()));
    await server?.close();
  });

  it('shows rounds advancing live, draws the accuracy curve and promotes a version with the admin token', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${server.url}/dashboard`);
    // Auth is on: the live stream, like reading runs, needs a token, as an operator would paste it.
    await expect.poll(() => page.textContent('#live')).toBe('not live: FEDERA_ERR_AUTH_MISSING');
    await page.fill('#token', ADMIN);
    await page.waitForSelector('#live.on');
    await expect.poll(() => page.textContent('#run-status')).toBe('created');
    await expect.poll(() => page.textContent('#client-count')).toBe('2');
    // Each connected client is listed with the runs its hello declared.
    expect(await page.$$eval('#clients li', (items) => items.map((li) => li.textContent))).toEqual([
      'hospital-1 (live)',
      'hospital-2 (live)',
    ]);
    await server.coordinator.startRun('live');
    await expect.poll(() => page.textContent('#run-status')).toBe('running');
    expect(await page.textContent('#round-count')).toBe('0');

    permits.release(2);
    await page.waitForFunction(() => document.getElementById('round-count')?.textContent === '1');
    permits.release(2);
    await page.waitForFunction(() => document.getElementById('round-count')?.textContent === '2');
    await expect.poll(() => page.getAttribute('#accuracy-chart', 'data-points')).toBe('2');
    const blue = await page.evaluate(() => {
      const c = document.getElementById('accuracy-chart') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4)
        if (px[i] === 0x2f && px[i + 1] === 0x6f && px[i + 2] === 0xdf) n++;
      return n;
    });
    expect(blue).toBeGreaterThan(20);

    await page.fill('#token', 'wrong-token');
    await expect.poll(() => page.textContent('#live')).toBe('not live: FEDERA_ERR_AUTH_INVALID');
    await page.click('button.promote[data-version="1"]');
    await expect.poll(() => page.textContent('#message')).toMatch(/FEDERA_ERR_AUTH_INVALID/);
    await page.fill('#token', ADMIN);
    // A new token restarts the stream: the remaining rounds below arrive over it.
    await page.waitForSelector('#live.on');
    await page.click('button.promote[data-version="1"]');
    await expect.poll(() => page.textContent('#message')).toBe('promoted v1 to production');
    const label = await (
      await fetch(`${server.url}/v1/registry/models/live/labels/production`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
    ).json();
    expect(label).toMatchObject({ label: 'production', version: 1 });
    await expect.poll(() => page.textContent('#labels')).toContain('production → v1');

    permits.release(4);
    await page.waitForFunction(() => document.getElementById('run-status')?.textContent === 'completed');
    expect(await page.textContent('#round-count')).toBe('4');
    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    // The token travels in headers only; URLs end up in access logs.
    expect(urls.some((u) => u.includes('/dashboard/events'))).toBe(true);
    expect(urls.filter((u) => u.includes(ADMIN) || u.includes('wrong-token'))).toEqual([]);
  });
});
