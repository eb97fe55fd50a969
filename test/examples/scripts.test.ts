import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyCsv } from '../cli/run-cli.js';

// Issue 14 item 10: the pooled / local-only comparison as a script for any CSV and label.
// (The federated row, --server/--run, runs in test/examples/hospitals.e2e.test.ts through the example's compare.mjs.)
const SCRIPT = resolve('scripts/compare-central.mjs');
let dir: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, stdout, stderr })));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'federa-compare-'));
  for (const site of ['north', 'south', 'east']) {
    const offset = site.length;
    await writeFile(join(dir, `${site}.csv`), tinyCsv(60, offset));
    await writeFile(join(dir, `${site}-test.csv`), tinyCsv(20, offset + 10));
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('scripts/compare-central.mjs', () => {
  it('any CSV and label: pooled, each site alone and the local-only mean, per site and over all test rows', async () => {
    const sites = ['north', 'south', 'east'];
    const r = await run([
      ...sites.flatMap((s) => ['--train', join(dir, `${s}.csv`), '--test', join(dir, `${s}-test.csv`)]),
      ...['--label', 'y', '--categorical', 'c', '--epochs', '30', '--lr', '0.3', '--json'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { sites: string[]; rows: Array<Record<string, number | string>> };
    expect(result.sites).toEqual(sites);
    expect(result.rows.map((row) => row['model'])).toEqual([
      'pooled (all rows in one place)',
      'local-only north',
      'local-only south',
      'local-only east',
      'local-only (mean of 3)',
    ]);
    for (const row of result.rows)
      for (const k of ['all', ...sites]) expect(row[k]).toBeGreaterThanOrEqual(0);
    // y = [f1 + f2 > 0] is linearly separable: the pooled logistic regression learns it.
    expect(result.rows[0]!['all']).toBeGreaterThan(0.75);
    const table = await run([
      ...['--train', join(dir, 'north.csv'), '--test', join(dir, 'north-test.csv'), '--label', 'y'],
      ...['--categorical', 'c'],
    ]);
    expect(table.stdout.split('\n')[0]).toBe('| model | all test rows | north test |');
  }, 120_000);

  it('one --test per --train, else one line and exit 1', async () => {
    const r = await run(['--train', join(dir, 'north.csv'), '--label', 'y']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('compare-central: give one --test file per --train file (same order)');
  });
});

describe('scripts/plot-metrics.mjs', () => {
  it('draws one SVG panel per column of a metrics CSV, a point per round that has a value', async () => {
    const csv = join(dir, 'metrics.csv');
    await writeFile(csv, 'round,version,train_loss,fed_eval_accuracy\n1,1,0.9,0.5\n2,2,0.7,\n3,3,0.5,0.75\n');
    const out = join(dir, 'curve.svg');
    const child = spawn(process.execPath, [
      resolve('scripts/plot-metrics.mjs'),
      csv,
      '--y',
      'train_loss,fed_eval_accuracy',
      '--out',
      out,
    ]);
    expect(await new Promise((done) => child.on('close', done))).toBe(0);
    const svg = await readFile(out, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3 + 2);
    expect(svg).toContain('>train_loss</text>');
    expect(svg).toContain('>0.900</text>');
  });
});
