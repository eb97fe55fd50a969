import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type TabularTransform,
  encodeTable,
  loadServedModel,
  parseCsv,
  tabularEncoder,
} from '@federa/client';
import type { FederaServer } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federa } from '../cli/run-cli.js';
import { startServer, tempDir, waitFor } from '../helpers/federation.js';

// Issue 14, "the preprocessing is part of the model" and "tabular runs without counting widths", and
// done-when 2 whole: three `federa client join` processes with CSVs and `--test-data`, a run created
// with `--inputs auto`, `run status` showing federated test accuracy, and after a coordinator restart
// `:predict` on raw rows by column name answers what the encoded rows answered before it.
const LABEL = 'diabetes';
// biome-ignore lint/suspicious/noExplicitAny: REST replies are read as JSON.
type Json = any;

async function call(url: string, method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await fetch(new URL(path, url), {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

describe('a tabular run serves raw rows with the transform it trained with', () => {
  let dir: { path: string; remove(): Promise<void> };
  let server: FederaServer | undefined;
  beforeAll(async () => {
    dir = await tempDir('federa-raw-rows-');
    const generated = spawnSync(process.execPath, [
      resolve('examples/hospitals-tabular/generate.mjs'),
      '--out',
      dir.path,
    ]);
    expect(generated.status, String(generated.stderr)).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await dir?.remove();
  });

  it('--inputs auto, three client processes, a restart: raw rows predict like the encoded ones', async () => {
    const storePath = join(dir.path, 'store');
    const started = await startServer({ storePath, serving: { preload: false } });
    server = started.server;
    const url = started.url;
    const env = { FEDERA_URL: url };
    const created = await federa(
      [
        'run',
        'create',
        '--id',
        'hospitals',
        '--model',
        'logistic',
        '--inputs',
        'auto',
        '--rounds',
        '3',
        '--clients-per-round',
        '3',
        '--min-clients',
        '3',
        '--epochs',
        '1',
        '--batch',
        '16',
        '--lr',
        '0.1',
        '--eval-every',
        '1',
      ],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/waits for the feature statistics/);
    // No model yet: starting is refused with a reason.
    expect(await call(url, 'POST', '/api/runs/hospitals/start')).toMatchObject({
      status: 409,
      body: { code: 'FEDERA_ERR_RUN_STATE' },
    });

    const joins = ['a', 'b', 'c'].map((h) =>
      federa(
        [
          'client',
          'join',
          '--run',
          'hospitals',
          '--id',
          `hospital-${h}`,
          '--data',
          join(dir.path, `hospital-${h}`, 'train.csv'),
          '--test-data',
          join(dir.path, `hospital-${h}`, 'test.csv'),
          '--label',
          LABEL,
          '--categorical',
          'sex,smoking',
          '--json',
        ],
        { env },
      ),
    );
    // The quorum's statistics freeze and the coordinator builds the model as wide as they say.
    await waitFor(
      async () => (await call(url, 'GET', '/api/runs/hospitals')).body?.specs?.length > 0,
      60_000,
    );
    const stats = (await call(url, 'GET', '/api/runs/hospitals/feature-stats')).body;
    const transform = stats.transform as TabularTransform;
    expect(transform.label).toBe(LABEL);
    expect(transform.classes).toEqual(['0', '1']);
    const width = transform.features.reduce(
      (n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length),
      0,
    );
    const run = (await call(url, 'GET', '/api/runs/hospitals')).body;
    expect(run.specs[0].shape).toEqual([width, 2]);
    await waitFor(async () => server!.coordinator.pool.connectedCount === 3, 60_000);
    expect((await call(url, 'POST', '/api/runs/hospitals/start')).status).toBe(200);
    const results = await Promise.all(joins);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // Every process encoded with the same transform the coordinator froze.
    for (const r of results) {
      const encoded = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((e) => e.event === 'encoded');
      expect(encoded).toMatchObject({ inputs: width, classes: ['0', '1'], rows: transform.rows });
      // The CLI ran prepareTabularData, the Node/browser API: the same inputs in the same order.
      expect(encoded.inputNames).toEqual(tabularEncoder(transform, (d) => new Error(d)).inputNames);
    }

    // Federated test accuracy: every site scored every version on its own held-out rows.
    const status = await federa(['run', 'status', 'hospitals', '--json'], { env });
    const evaluations = (JSON.parse(status.stdout) as Json).evaluations as Array<{
      round: number;
      numExamples: number;
      metrics: Record<string, number>;
    }>;
    expect(evaluations.map((e) => e.round)).toEqual([1, 2, 3]);
    for (const e of evaluations) {
      expect(e.numExamples).toBeGreaterThan(0);
      expect(e.metrics['fed_eval_accuracy']).toBeGreaterThan(0.5);
    }
    expect((await federa(['run', 'status', 'hospitals'], { env })).stdout).toMatch(/fed_test_acc/);

    const test = parseCsv(readFileSync(join(dir.path, 'hospital-a', 'test.csv'), 'utf8'));
    const rows = test.rows.slice(0, 20);
    const table = { columns: test.columns, rows };
    const encodedRows = encodeTable(table, transform);
    const instances = Array.from({ length: rows.length }, (_, r) =>
      Array.from(encodedRows.x.subarray(r * width, (r + 1) * width)),
    );
    // Raw rows as a JSON caller sends them: numbers for numeric columns, the label column left in.
    const numeric = new Set(transform.features.filter((f) => f.kind === 'numeric').map((f) => f.name));
    const raw = rows.map((row) =>
      Object.fromEntries(test.columns.map((c, i) => [c, numeric.has(c) ? Number(row[i]) : row[i]])),
    );
    const before = await call(url, 'POST', '/v1/models/hospitals:predict', { instances });
    expect(before.status).toBe(200);
    const rawBefore = await call(url, 'POST', '/v1/models/hospitals:predict', { instances: raw });
    expect(rawBefore.status, JSON.stringify(rawBefore.body)).toBe(200);
    expect(rawBefore.body.predictions).toEqual(before.body.predictions);

    // The transform ships with the model: on-device inference on raw rows gives the same answer.
    const onDevice = await loadServedModel(`${url}/models/hospitals/labels/latest/model.json`);
    try {
      expect(onDevice.transform).toEqual(transform);
      const local = onDevice.predictRows(raw).map((p) => Array.from(p));
      for (const [i, p] of local.entries()) {
        for (const [j, v] of p.entries()) expect(v).toBeCloseTo(before.body.predictions[i][j], 5);
      }
    } finally {
      onDevice.dispose();
    }

    // A coordinator restart: the statistics and transform were persisted with the run.
    await server.close();
    server = undefined;
    const restarted = await startServer(
      { storePath, serving: { preload: false } },
      Number(new URL(url).port),
    );
    server = restarted.server;
    const after = await call(url, 'POST', '/v1/models/hospitals:predict', { instances: raw });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.predictions).toEqual(before.body.predictions);
    // Encoded input keeps working; columnar raw, CSV, OIP tensors by column and a batch job agree.
    expect((await call(url, 'POST', '/v1/models/hospitals:predict', { instances })).body.predictions).toEqual(
      before.body.predictions,
    );
    const columns = Object.fromEntries(test.columns.map((c) => [c, raw.map((r) => r[c])]));
    expect(
      (await call(url, 'POST', '/v1/models/hospitals:predict', { inputs: columns })).body.outputs,
    ).toEqual(before.body.predictions);
    const csv = [test.columns.join(','), ...rows.map((r) => r.join(','))].join('\n');
    const byCsv = await call(url, 'POST', '/v1/models/hospitals:predict', csv, 'text/csv');
    expect(byCsv.status, JSON.stringify(byCsv.body)).toBe(200);
    expect(byCsv.body.predictions).toEqual(before.body.predictions);
    const oip = await call(url, 'POST', '/v2/models/hospitals/infer', {
      inputs: test.columns.map((c) => ({
        name: c,
        shape: [rows.length],
        datatype: numeric.has(c) ? 'FP32' : 'BYTES',
        data: columns[c],
      })),
    });
    expect(oip.status, JSON.stringify(oip.body)).toBe(200);
    expect(oip.body.outputs[0].data).toEqual(before.body.predictions.flat());
    const job = await call(url, 'POST', '/v1/models/hospitals/jobs', csv, 'text/csv');
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    await waitFor(
      async () => (await call(url, 'GET', `/v1/jobs/${job.body.id}`)).body.status === 'succeeded',
    );
    const lines = await (await fetch(`${url}/v1/jobs/${job.body.id}/predictions`)).text();
    const predicted = lines
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(predicted).toEqual(before.body.predictions);

    // Drift needs no posted baseline: it comes from the federated statistics. Rows like the training
    // data score low; the same rows with age + 40 and every patient a current smoker score high.
    const psi = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/federa_serving_input_drift_psi\{model="hospitals"\} ([0-9.e+-]+)/.exec(text)?.[1]);
    };
    const calmRows = ['a', 'b', 'c'].flatMap((h) => {
      const t = parseCsv(readFileSync(join(dir.path, `hospital-${h}`, 'train.csv'), 'utf8'));
      return t.rows.map((row) =>
        Object.fromEntries(t.columns.map((c, i) => [c, numeric.has(c) ? Number(row[i]) : row[i]])),
      );
    });
    const predictAll = async (all: typeof calmRows) => {
      for (let i = 0; i < all.length; i += 200) {
        const sent = await call(url, 'POST', '/v1/models/hospitals:predict', {
          instances: all.slice(i, i + 200),
        });
        expect(sent.status).toBe(200);
      }
    };
    await predictAll(calmRows);
    const calm = await psi();
    const shifted = calmRows.map((r) => ({ ...r, age: Number(r['age']) + 40, smoking: 'current' }));
    await predictAll(shifted);
    const drifted = await psi();
    expect(calm).toBeLessThan(0.1);
    expect(drifted).toBeGreaterThan(0.25);

    // A raw row that does not fit the transform is a typed 400.
    const { age: _age, ...missingAge } = raw[0]!;
    expect(
      await call(url, 'POST', '/v1/models/hospitals:predict', { instances: [missingAge] }),
    ).toMatchObject({
      status: 400,
      body: { code: 'FEDERA_ERR_SERVING_BAD_ROW' },
    });
    expect(
      await call(url, 'POST', '/v1/models/hospitals:predict', { instances: [{ ...raw[0], age: 'old' }] }),
    ).toMatchObject({ status: 400, body: { code: 'FEDERA_ERR_SERVING_BAD_ROW' } });
  });
});
