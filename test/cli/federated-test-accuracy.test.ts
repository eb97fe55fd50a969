import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { federa, tinyCsv } from './run-cli.js';

// Issue 14 item 5 and the test-accuracy part of done-when 2: three `client join` processes with CSVs
// and `--test-data`; `run status` shows the federated test accuracy of every version.
const ADMIN = 'fed-acc-admin';
let server: FullServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
  dir = await mkdtemp(join(tmpdir(), 'federa-fed-acc-'));
  env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
  for (const i of [1, 2, 3]) {
    await writeFile(join(dir, `train-${i}.csv`), tinyCsv(40, i));
    await writeFile(join(dir, `test-${i}.csv`), tinyCsv(10 * i, 10 + i));
  }
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('federa client join --test-data', () => {
  it('three CSV clients score every new version on their own test split; run status shows fed_test_acc', async () => {
    const created = await federa(
      [
        ...['run', 'create', '--id', 'fed-acc', '--model', 'logistic', '--inputs', '5', '--classes', '2'],
        ...['--rounds', '2', '--clients-per-round', '3', '--min-clients', '3', '--batch', '8', '--lr', '0.5'],
        ...['--eval-every', '1'],
      ],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    const joins = [1, 2, 3].map((i) =>
      federa(
        [
          ...[
            'client',
            'join',
            '--run',
            'fed-acc',
            '--id',
            `site-${i}`,
            '--label',
            'y',
            '--categorical',
            'c',
          ],
          ...['--data', join(dir, `train-${i}.csv`), '--test-data', join(dir, `test-${i}.csv`)],
        ],
        { env },
      ),
    );
    expect((await federa(['run', 'start', 'fed-acc'], { env })).code).toBe(0);
    for (const [i, r] of (await Promise.all(joins)).entries()) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`version 2: test accuracy \\d\\.\\d{4} on ${10 * (i + 1)} examples`),
      );
    }
    const status = await federa(['run', 'status', 'fed-acc', '--json'], { env });
    const run = JSON.parse(status.stdout) as {
      evaluations: Array<{ round: number; numExamples: number; metrics: Record<string, number> }>;
    };
    expect(run.evaluations.map((e) => [e.round, e.numExamples])).toEqual([
      [1, 60],
      [2, 60],
    ]);
    const text = (await federa(['run', 'status', 'fed-acc'], { env })).stdout.split('\n');
    const header = text[1]!.split(/\s+/);
    const column = header.indexOf('fed_test_acc');
    expect(column).toBeGreaterThan(0);
    for (const [i, evaluation] of run.evaluations.entries()) {
      const cells = text[2 + i]!.trim().split(/\s+/);
      expect(cells[column]).toBe(evaluation.metrics['fed_eval_accuracy']!.toFixed(4));
    }
  }, 180_000);
});
