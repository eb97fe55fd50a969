import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, ROWS, createFixture, startApp } from './fixture.js';

/** Hoeffding: P(|p̂ − p| ≥ t) ≤ 2·exp(−2nt²); t for a false-failure probability below 1e-6. */
const tolerance = (n: number) => Math.sqrt(Math.log(2 / 1e-6) / (2 * n));

describe('deployment strategies', () => {
  let fx: Fixture;
  let app: Awaited<ReturnType<typeof startApp>>['app'];
  const predict = (headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/models/tiny:predict', payload: { instances: ROWS }, headers });

  beforeAll(async () => {
    fx = await createFixture(4);
    ({ app } = await startApp(fx));
    await app.serving.registry.setLabel('tiny', 'stable', 1, 'promote');
    await app.serving.registry.setLabel('tiny', 'canary', 2, 'promote');
    await app.serving.registry.setLabel('tiny', 'blue', 2, 'promote');
    await app.serving.registry.setLabel('tiny', 'green', 3, 'promote');
  });
  afterAll(async () => {
    await app.close();
    await fx.close();
  });

  it('canary: the label receives p% of default-route traffic (n = 2000)', async () => {
    const set = await app.inject({
      method: 'PUT',
      url: '/v1/registry/models/tiny/traffic',
      payload: { canary: { label: 'canary', percent: 20 } },
    });
    expect(set.statusCode, set.body).toBe(200);
    const n = 2000;
    let canary = 0;
    for (let i = 0; i < n; i++) {
      const res = await predict();
      expect(res.statusCode).toBe(200);
      const variant = res.headers['x-federa-variant'];
      const version = res.headers['x-federa-model-version'];
      expect(['canary', 'stable']).toContain(variant);
      expect(version).toBe(variant === 'canary' ? '2' : '1');
      if (variant === 'canary') canary++;
    }
    expect(Math.abs(canary / n - 0.2)).toBeLessThan(tolerance(n));
  });

  it('sticky A/B: a key always gets the same variant, and keys split by weight (n = 2000 keys)', async () => {
    await app.serving.registry.setPolicy('tiny', {
      abTest: {
        header: 'x-user',
        variants: [
          { label: 'blue', weight: 3 },
          { label: 'green', weight: 1 },
        ],
      },
    });
    const n = 2000;
    let blue = 0;
    for (let i = 0; i < n; i++) {
      const first = await predict({ 'x-user': `user-${i}` });
      const second = await predict({ 'x-user': `user-${i}` });
      expect(second.headers['x-federa-variant']).toBe(first.headers['x-federa-variant']);
      expect(first.headers['x-federa-model-version']).toBe(
        first.headers['x-federa-variant'] === 'blue' ? '2' : '3',
      );
      if (first.headers['x-federa-variant'] === 'blue') blue++;
    }
    expect(Math.abs(blue / n - 0.75)).toBeLessThan(tolerance(n));
    // Without the key header the request goes to stable.
    expect((await predict()).headers['x-federa-variant']).toBe('stable');
    const metrics = await app.serving.metrics.requests.get();
    const variants = new Set(metrics.values.map((v) => v.labels.variant));
    expect(variants).toContain('blue');
    expect(variants).toContain('green');
  });

  it('shadow: mirrored requests never change responses; agreement is recorded (n = 1000)', async () => {
    await app.serving.registry.setPolicy('tiny', {});
    const baseline = (await predict()).json();
    await app.serving.registry.setPolicy('tiny', { shadow: { label: 'green', percent: 50 } });
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const res = await predict();
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-federa-variant']).toBe('stable');
      expect(res.json()).toEqual(baseline);
    }
    await app.serving.settled();
    const compared = (await app.serving.metrics.shadowComparisons.get()).values.filter(
      (v) => v.labels.shadow === '3' && v.labels.result !== 'error',
    );
    const rows = compared.reduce((s, v) => s + v.value, 0);
    // Each mirrored request compares ROWS.length rows.
    const mirrored = rows / ROWS.length;
    expect(Number.isInteger(mirrored)).toBe(true);
    expect(Math.abs(mirrored / n - 0.5)).toBeLessThan(tolerance(n));
    const ratio = (await app.serving.metrics.shadowAgreement.get()).values.find(
      (v) => v.labels.shadow === '3',
    );
    expect(ratio?.value).toBeGreaterThanOrEqual(0);
    expect(ratio?.value).toBeLessThanOrEqual(1);
  });

  it('a failing shadow never fails or changes a request', async () => {
    const corrupt = await fx.commitCorrupt();
    await app.serving.registry.setPolicy('tiny', {});
    const baseline = (await predict()).json();
    await app.serving.registry.setPolicy('tiny', { shadow: { version: corrupt.version, percent: 100 } });
    for (let i = 0; i < 50; i++) {
      const res = await predict();
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(baseline);
    }
    await app.serving.settled();
    const errors = (await app.serving.metrics.shadowComparisons.get()).values.find(
      (v) => v.labels.shadow === String(corrupt.version) && v.labels.result === 'error',
    );
    expect(errors?.value).toBe(50);
  });
});
