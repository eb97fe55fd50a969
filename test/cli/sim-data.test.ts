import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, federa, idxBytes, tinyCsv } from './run-cli.js';

// Issue 14 item 6 / done-when 3: `federa sim --data` on an IDX and on a CSV dataset, same partitioners.
let dir: string;

/** 2x2 "images" of 3 classes: class k lights pixel k. */
function idxSplit(n: number, offset: number) {
  const labels = Array.from({ length: n }, (_, i) => (i + offset) % 3);
  const pixels = labels.flatMap((l, i) => [0, 1, 2, 3].map((p) => (p === l ? 200 : 30) + ((i * 7 + p) % 40)));
  return { images: idxBytes([n, 2, 2], pixels), labels: idxBytes([n], labels) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'federa-sim-data-'));
  const train = idxSplit(90, 0);
  const test = idxSplit(30, 1);
  await writeFile(join(dir, 'train-images.idx'), train.images);
  await writeFile(join(dir, 'train-labels.idx'), train.labels);
  await writeFile(join(dir, 'test-images.idx'), test.images);
  await writeFile(join(dir, 'test-labels.idx'), test.labels);
  await writeFile(join(dir, 'train.csv'), tinyCsv(120, 1));
  await writeFile(join(dir, 'test.csv'), tinyCsv(40, 7));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type SimJson = {
  finalAccuracy: number;
  initialHash: string;
  rounds: Array<{ clients: number; hash: string }>;
};

async function sim(args: string[]): Promise<SimJson> {
  const r = await federa([
    'sim',
    '--clients',
    '3',
    '--rounds',
    '2',
    '--epochs',
    '1',
    '--batch',
    '8',
    '--lr',
    '0.3',
    '--json',
    ...args,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SimJson;
}

describe('federa sim --data', () => {
  it('trains on an IDX dataset (train and test files), shards partition, and writes --metrics-out CSV', async () => {
    const out = join(dir, 'idx-metrics.csv');
    const result = await sim([
      ...['--data', join(dir, 'train-images.idx'), '--labels', join(dir, 'train-labels.idx')],
      ...['--test-data', join(dir, 'test-images.idx'), '--test-labels', join(dir, 'test-labels.idx')],
      ...['--partition', 'shards', '--metrics-out', out],
    ]);
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds.every((r) => r.clients === 3)).toBe(true);
    expect(result.finalAccuracy).toBeGreaterThanOrEqual(0);
    const [header, ...rows] = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 3)).toEqual(['round', 'version', 'participants']);
    expect(rows).toHaveLength(2);
    const acc = columns.indexOf('test_accuracy');
    expect(Number(rows[1]!.split(',')[acc])).toBeCloseTo(result.finalAccuracy, 6);
  }, 120_000);

  it('rewrites --metrics-out after every round: a run killed midway leaves a whole file of its rounds so far', async () => {
    const out = join(dir, 'midway.csv');
    const child = spawn(
      process.execPath,
      [
        BIN,
        ...['sim', '--clients', '3', '--rounds', '200', '--epochs', '1', '--no-secagg'],
        ...['--data', join(dir, 'train-images.idx'), '--labels', join(dir, 'train-labels.idx')],
        // SIGKILL leaves the store behind: here, not in /tmp.
        ...['--metrics-out', out, '--store', join(dir, 'killed-store')],
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((done) => child.on('exit', done));
    let rows: string[] = [];
    while (rows.length < 3) {
      await new Promise((r) => setTimeout(r, 50));
      rows = (await readFile(out, 'utf8').catch(() => '')).trimEnd().split('\n').filter(Boolean);
    }
    child.kill('SIGKILL');
    await exited;
    const [header, ...data] = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const width = header!.split(',').length;
    expect(data.length).toBeGreaterThanOrEqual(2);
    expect(data.length).toBeLessThan(200);
    expect(data.every((line) => line.split(',').length === width)).toBe(true);
    expect(data.map((line) => Number(line.split(',')[0]))).toEqual(data.map((_, i) => i + 1));
  }, 120_000);

  it('trains on a CSV dataset with a label column and a categorical column, Dirichlet partition; the same --seed gives the same hashes', async () => {
    const args = [
      ...[
        '--data',
        join(dir, 'train.csv'),
        '--test-data',
        join(dir, 'test.csv'),
        '--label',
        'y',
        '--categorical',
        'c',
      ],
      ...['--partition', 'dirichlet', '--alpha', '1', '--seed', '5'],
    ];
    const a = await sim(args);
    const b = await sim(args);
    expect(a.rounds).toHaveLength(2);
    expect(a.finalAccuracy).toBeGreaterThan(0.5); // y = [f1 + f2 > 0]: linearly separable
    expect([b.initialHash, ...b.rounds.map((r) => r.hash)]).toEqual([
      a.initialHash,
      ...a.rounds.map((r) => r.hash),
    ]);
  }, 180_000);

  it('--model NAME with --data trains that MNIST preset on the given digits (e.g. the full MNIST IDX files)', async () => {
    // 28x28 "digits": class k lights row 2k + 1.
    const n = 24;
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const pixels = labels.flatMap((l) =>
      Array.from({ length: 784 }, (_, p) => (Math.floor(p / 28) === 2 * l + 1 ? 250 : 0)),
    );
    await writeFile(join(dir, 'digits.idx'), idxBytes([n, 28, 28], pixels));
    await writeFile(join(dir, 'digit-labels.idx'), idxBytes([n], labels));
    const data = ['--data', join(dir, 'digits.idx'), '--labels', join(dir, 'digit-labels.idx')];
    const result = (await sim([...data, '--model', 'mnist-2nn', '--partition', 'iid'])) as SimJson & {
      runId: string;
    };
    expect(result.runId).toMatch(/^mnist-2nn-/);
    expect(result.rounds).toHaveLength(2);
    const lstm = await federa(['sim', ...data, '--model', 'char-lstm', '--rounds', '1']);
    expect(lstm.code).toBe(1);
    expect(lstm.stderr).toMatch(/--model char-lstm trains on its own corpus; with --data, give --topology/);
  }, 120_000);

  it('a missing label column or a mixed format is one line, no stack', async () => {
    const r = await federa(['sim', '--data', join(dir, 'train.csv'), '--label', 'nope', '--rounds', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^federa: FEDERA_ERR_DATA_MISSING_COLUMN/);
    const mixed = await federa([
      'sim',
      '--data',
      join(dir, 'train.csv'),
      '--test-data',
      join(dir, 'test-images.idx'),
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--test-data must have the same format as --data/);
  }, 60_000);
});
