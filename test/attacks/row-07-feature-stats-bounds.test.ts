import { initTfBackend } from '@federa/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyTopology } from '../helpers/federation.js';
import { startChildCoordinator } from './child-coordinator.js';

// Issue 11 row 7: feature-statistics reports were unbounded in size and count, all kept in memory,
// and every POST re-summed all of them (60 reports of 1 MB: RSS +146 MiB, 22 s of CPU, never freed).
const MiB = 1024 * 1024;
const numeric = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, { count: 1, sum: 1, sumSq: 1 }]));
const categories = (n: number, width: number, salt = '') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${salt}${i}`.padEnd(width, 'x'), 1]));
const report = (clientId: string, summary: object) => ({ clientId, summary });
const base = { label: 'y', rows: 1, labels: { '0': 1 } };

describe('issue 11 row 7: feature-statistics reports are bounded and summed incrementally', () => {
  beforeAll(() => initTfBackend(() => {}));
  it('refuses oversized reports with typed 413/400, holds pending reports under a byte bound, and stays healthy', async () => {
    // Tokens and TLS as in production, device identity off so one `client` token can claim many ids.
    const child = await startChildCoordinator({ identity: null });
    try {
      const settings = { minClients: 200, clientsPerRound: 200, rounds: 1 };
      for (const id of ['stats', 'heavy']) {
        const created = await child.call('researcher', 'POST', '/api/runs', {
          id,
          topology: tinyTopology(),
          settings,
        });
        expect(created.status).toBe(201);
      }
      const post = (body: unknown, run = 'stats') =>
        child.call('client', 'POST', `/api/runs/${run}/feature-stats`, body);
      const before = await child.memory();

      // 60 reports of 1 MB: refused while reading the body.
      const huge = report('big', { ...base, numeric: {}, categorical: { c: categories(1000, 1000) } });
      for (let i = 0; i < 60; i++) {
        expect(await post({ ...huge, clientId: `big-${i}` })).toMatchObject({
          status: 413,
          body: { code: 'FEDERA_ERR_REQUEST_INVALID' },
        });
      }
      // Too many columns, categories in one column, or too long a name: 400 by schema.
      const bad = [
        { ...base, numeric: numeric(513), categorical: {} },
        { ...base, numeric: {}, categorical: { c: categories(1025, 4) } },
        { ...base, numeric: { ['n'.repeat(257)]: { count: 1, sum: 1, sumSq: 1 } }, categorical: {} },
      ];
      for (const summary of bad) {
        expect(await post(report('bad', summary))).toMatchObject({
          status: 400,
          body: { code: 'FEDERA_ERR_REQUEST_INVALID' },
        });
      }
      // Distinct categories over the run's sum are bounded (8192): the ninth report of 1000 new ones is 413.
      for (let i = 0; i < 8; i++) {
        const ok = await post(
          report(`wide-${i}`, { ...base, numeric: {}, categorical: { c: categories(1000, 8, `${i}-`) } }),
        );
        expect(ok.status, ok.text).toBe(200);
      }
      expect(
        await post(report('wide-8', { ...base, numeric: {}, categorical: { c: categories(1000, 8, '8-') } })),
      ).toMatchObject({ status: 413, body: { code: 'FEDERA_ERR_FEATURES_TOO_LARGE' } });

      // ~200 KB reports under many ids: held until the quorum, as text, under a 16 MiB bound (then 503).
      const heavy = { ...base, numeric: {}, categorical: { c: categories(1000, 200, '0-') } };
      const codes = new Map<number, number>();
      for (let i = 0; i < 100; i++) {
        const { status, body } = await post(report(`heavy-${i}`, heavy), 'heavy');
        codes.set(status, (codes.get(status) ?? 0) + 1);
        if (status !== 200)
          expect(body, `${i} ${body.message}`).toMatchObject({
            code: 'FEDERA_ERR_FEATURES_CAPACITY',
            retryable: true,
          });
      }
      expect(codes.get(200)).toBeGreaterThan(50);
      expect(codes.get(503)).toBeGreaterThan(0);

      const after = await child.memory();
      const grew = (after.heapUsed + after.external - before.heapUsed - before.external) / MiB;
      // The bound: 16 MiB of held report text plus the run's sum (at most 8192 categories).
      expect(grew).toBeLessThan(48);
      const status = await child.call('viewer', 'GET', '/api/runs/stats/feature-stats');
      expect(status.body).toMatchObject({ ready: false, quorum: 200 });
      expect(child.alive).toBe(true);
      expect((await child.call('viewer', 'GET', '/api/runs')).status).toBe(200);
    } finally {
      await child.close();
    }
  });
});
