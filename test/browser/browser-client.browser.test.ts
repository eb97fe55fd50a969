import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { BIN, type CliResult, federa, serverProcess } from '../cli/run-cli.js';
import { joinFromPage, pageStatus, untilStatus } from './join-page.js';
import { type StaticSite, runNode, serveStatic } from './page-harness.js';

const SKIP = skipBrowserTests('examples/browser-client federation');
const EXAMPLE = resolve('examples/browser-client');
const HOSPITALS = resolve('examples/hospitals-tabular');
const ROUNDS = 3;

describe.skipIf(SKIP)('examples/browser-client in Chromium beside `federa client join` processes', () => {
  let work: string;
  let site: StaticSite;
  let coordinator: Awaited<ReturnType<typeof serverProcess>>;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error('build first: npm run build');
    work = await mkdtemp(join(tmpdir(), 'federa-browser-client-'));
    // docs/browser.md, "Bundle with esbuild": the example's build script, then any static host.
    const built = await runNode(join(EXAMPLE, 'build.mjs'), ['--out', join(work, 'site')]);
    expect(built).toMatch(/and 3 wasm files in/);
    await runNode(join(HOSPITALS, 'generate.mjs'), ['--out', join(work, 'data')]);
    site = await serveStatic(join(work, 'site'));
    // docs/browser.md, "Let the page in": the coordinator allows exactly the page's origin.
    coordinator = await serverProcess(['--store', join(work, 'store'), '--cors-origin', site.origin]);
    expect(new URL(coordinator.url).origin).not.toBe(site.origin);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // Exits on SIGTERM after a SecAgg+ run too (its mask workers once kept it alive).
    expect(await coordinator?.stop()).toBe(0);
    await site?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Create `runId`, start two CLI hospitals and the page (hospital-c's file), start the run. */
  async function federate(runId: string, extra: string[]) {
    const env = { FEDERA_URL: coordinator.url };
    const created = await federa(
      ['run', 'create', '--id', runId, '--model', 'logistic', '--inputs', '9', '--classes', '2']
        .concat(['--rounds', `${ROUNDS}`, '--clients-per-round', '3', '--min-clients', '3'])
        .concat(['--epochs', '1', '--batch', '16', '--lr', '0.1', ...extra]),
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    const cli: Promise<CliResult>[] = ['hospital-a', 'hospital-b'].map((id) =>
      federa(
        ['client', 'join', '--run', runId, '--id', id, '--data', join(work, 'data', id, 'train.csv')].concat([
          '--label',
          'diabetes',
          '--categorical',
          'sex,smoking',
        ]),
        { env },
      ),
    );
    const { page, errors, requests } = await joinFromPage(browser, {
      site: site.origin,
      server: coordinator.url,
      run: runId,
      id: 'clinic-c',
      csv: join(work, 'data', 'hospital-c', 'train.csv'),
    });
    const started = await federa(['run', 'start', runId], { env });
    expect(started.code, started.stderr).toBe(0);
    await untilStatus(page, 'finished-or-error');
    const results = await Promise.all(cli);
    return { page, errors, requests, results, env };
  }

  async function rounds(runId: string) {
    const res = await fetch(`${coordinator.url}/api/runs/${runId}/rounds`);
    return (await res.json()) as Array<{ round: number; participants: Array<{ clientId: string }> }>;
  }

  for (const [name, extra] of [
    ['plain', []],
    ['SecAgg+', ['--secure-aggregation']],
  ] as const) {
    it(`trains every round of a ${name} run on wasm, after reporting its own feature statistics`, async () => {
      const runId = `browser-${name === 'plain' ? 'plain' : 'secagg'}`;
      const { page, errors, requests, results } = await federate(runId, [...extra]);
      const s = await pageStatus(page);
      expect(s.error).toBeUndefined();
      expect(s.backendName).toBe('wasm');
      expect(s.backend).toMatch(/^wasm \((simd|threaded-simd), \d+ threads?\)$/);
      expect(s.warnings).toEqual([]);
      expect(s.events).toContain('backend');
      // The page computed its summary, waited for the quorum, and encoded with the federation's statistics.
      expect(s.features).toMatch(/^250 rows as 9 inputs \(.*sex=F.*smoking=current.*\); classes 0, 1$/);
      const stats = (await (await fetch(`${coordinator.url}/api/runs/${runId}/feature-stats`)).json()) as {
        reporters: number;
      };
      expect(stats.reporters).toBe(3);
      expect(s.runStatus).toBe(`completed, ${ROUNDS} rounds done`);
      // The run's end came over the socket (RunEnded), not from polling the run's REST resource.
      expect(s.events).toContain('run-ended');
      expect(requests.filter((u) => u.pathname === `/api/runs/${runId}`)).toEqual([]);
      expect(s.rounds.map((r) => r.round)).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
      for (const r of s.rounds) {
        expect(r.examples).toBe(250);
        expect(Number.isFinite(r.loss)).toBe(true);
        expect(r.secagg).toBe(name === 'plain' ? '–' : 'unmasked');
      }
      // The browser took part in every committed round, beside both CLI processes.
      const committed = await rounds(runId);
      expect(committed).toHaveLength(ROUNDS);
      for (const round of committed)
        expect(round.participants.map((p) => p.clientId).sort()).toEqual([
          'clinic-c',
          'hospital-a',
          'hospital-b',
        ]);
      for (const r of results) {
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toContain(`run ${runId} completed after ${ROUNDS} rounds`);
        expect(r.stdout).toMatch(/\] TF\.js backend wasm \(simd, 1 thread\)\n/);
      }
      // The rounds table shows what the status object says.
      expect(await page.locator('#rounds tbody tr').count()).toBe(ROUNDS);
      expect(await page.textContent('#backend')).toBe(s.backend);

      // On-device inference from the run's served model.json, by label URL, on the page's own rows.
      await page.click('#predict-button');
      const after = await untilStatus(page, 'prediction-or-error', 60_000);
      expect(after.error).toBeUndefined();
      expect(after.prediction).toMatch(
        new RegExp(`^model version ${ROUNDS} predicted 250 local rows on this device: accuracy 0\\.\\d{3}$`),
      );
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
