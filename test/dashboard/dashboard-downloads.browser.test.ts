import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { startEvaluatingClients, tinyTopology } from '../helpers/federation.js';
import { type FullServer, startFullServer } from './full-server.js';

// Issue 14 items 5 and 8: the dashboard plots federated test accuracy and its curves download as CSV and PNG.
const SKIP = skipBrowserTests('dashboard downloads');
const ADMIN = 'dashboard-downloads-admin';

describe.skipIf(SKIP)('dashboard: federated test accuracy and downloadable curves', () => {
  let server: FullServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
    await server.coordinator.createRun({
      settings: {
        id: 'curves',
        rounds: 3,
        clientsPerRound: 3,
        minClients: 3,
        batchSize: 4,
        learningRate: 0.3,
        evaluation: { every: 1, fraction: 1, minClients: 3 },
      },
      topology: tinyTopology(),
    });
    const clients = await startEvaluatingClients(server.url, 'd', ['curves'], ADMIN);
    await server.coordinator.startRun('curves');
    await server.coordinator.whenIdle('curves');
    await Promise.all(clients.map((c) => c.stop()));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the federated test accuracy of every version; CSV and PNG buttons download the curves', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', ADMIN);
    await expect.poll(() => page.textContent('#run-status')).toBe('completed');
    // No server-side test set here: the three points are the federated evaluations only.
    await expect.poll(() => page.getAttribute('#accuracy-chart', 'data-points')).toBe('3');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(csv.suggestedFilename()).toBe('curves-metrics.csv');
    const text = await readFile((await csv.path())!, 'utf8');
    const rest = await fetch(`${server.url}/api/runs/curves/metrics?format=csv`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(text).toBe(await rest.text());
    expect(text.trimEnd().split('\n')).toHaveLength(1 + 3);

    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#download-accuracy-png')]);
    expect(png.suggestedFilename()).toBe('curves-accuracy.png');
    const bytes = await readFile((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
