import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { startEvaluatingClients, tinyTopology } from '../helpers/federation.js';
import { federa } from './run-cli.js';

// Issue 14 item 8 / done-when 4: every round's metrics exported as CSV and JSON, by CLI and REST.
const ADMIN = 'metrics-admin';
let server: FullServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
  env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
  const dp = { mode: 'client-clipping', expectedClients: 3, noiseMultiplier: 0.5, clipNorm: 1 };
  await server.coordinator.createRun({
    settings: {
      id: 'exported',
      rounds: 3,
      clientsPerRound: 3,
      minClients: 3,
      batchSize: 4,
      populationSize: 3,
      strategy: { name: 'fedavg', dp },
      evaluation: { every: 1, fraction: 1, minClients: 3 },
    },
    topology: tinyTopology(),
  });
  const clients = await startEvaluatingClients(server.url, 'm', ['exported'], ADMIN);
  await server.coordinator.startRun('exported');
  await server.coordinator.whenIdle('exported');
  await Promise.all(clients.map((c) => c.stop()));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('federa run metrics', () => {
  it('--format csv: one row per round with train loss, federated accuracy, ε, duration and participants', async () => {
    const r = await federa(['run', 'metrics', 'exported', '--format', 'csv'], { env });
    expect(r.code, r.stderr).toBe(0);
    const [header, ...lines] = r.stdout.trimEnd().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 15)).toEqual([
      ...['round', 'version', 'participants', 'dropped', 'attempts', 'examples', 'train_loss'],
      ...['test_accuracy', 'test_loss', 'fed_eval_accuracy', 'fed_eval_loss', 'fed_eval_examples'],
      ...['epsilon', 'duration_s', 'ended_at'],
    ]);
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])));
    expect(rows.map((row) => row['round'])).toEqual(['1', '2', '3']);
    const { rounds, evaluations } = (await (
      await fetch(`${server.url}/api/runs/exported`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as {
      rounds: Array<{ metrics: Record<string, number>; participants: unknown[] }>;
      evaluations: Array<{ metrics: Record<string, number>; numExamples: number }>;
    };
    rows.forEach((row, i) => {
      expect(row['participants']).toBe('3');
      expect(row['examples']).toBe('33');
      expect(Number(row['train_loss'])).toBe(rounds[i]!.metrics['train_loss']);
      expect(Number(row['epsilon'])).toBe(rounds[i]!.metrics['epsilon']);
      expect(Number(row['fed_eval_accuracy'])).toBe(evaluations[i]!.metrics['fed_eval_accuracy']);
      expect(row['fed_eval_examples']).toBe('18');
      expect(row['test_accuracy']).toBe(''); // this coordinator has no server-side test set
      expect(Number(row['duration_s'])).toBeGreaterThan(0);
    });
    expect(Number(rows[2]!['epsilon'])).toBeGreaterThan(Number(rows[0]!['epsilon']));
  });

  it('--format json and --out FILE; the REST route serves CSV as a download', async () => {
    const r = await federa(['run', 'metrics', 'exported', '--format', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      runId: string;
      columns: string[];
      rows: Array<Record<string, unknown>>;
    };
    expect(json.runId).toBe('exported');
    expect(json.rows.map((row) => row['round'])).toEqual([1, 2, 3]);
    const file = join(tmpdir(), `federa-metrics-${process.pid}.csv`);
    expect((await federa(['run', 'metrics', 'exported', '--out', file], { env })).stdout).toBe('');
    expect(await readFile(file, 'utf8')).toBe((await federa(['run', 'metrics', 'exported'], { env })).stdout);
    await rm(file);
    const res = await fetch(`${server.url}/api/runs/exported/metrics?format=csv`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('exported-metrics.csv');
    expect((await res.text()).split('\n')[0]).toMatch(/^round,version,participants,/);
    const bad = await fetch(`${server.url}/api/runs/exported/metrics?format=xml`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(bad.status).toBe(400);
    // A path that cannot be written is a one-line error naming it, not an unexpected-error trace.
    const nowhere = join(tmpdir(), `federa-no-dir-${process.pid}`, 'm.csv');
    const unwritable = await federa(['run', 'metrics', 'exported', '--out', nowhere], { env });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toBe(`federa: cannot write ${nowhere}: ENOENT\n`);
    const unknown = await federa(['run', 'metrics', 'nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/FEDERA_ERR_RUN_NOT_FOUND/);
  });

  it('run watch --metrics-out, started before the run, leaves every round in the file', async () => {
    await server.coordinator.createRun({
      settings: { id: 'watched', rounds: 3, clientsPerRound: 3, minClients: 3, batchSize: 4 },
      topology: tinyTopology(),
    });
    const clients = await startEvaluatingClients(server.url, 'w', ['watched'], ADMIN);
    const file = join(tmpdir(), `federa-watch-${process.pid}.json`);
    try {
      // Watching from before the start: the command waits out the whole run, writing as rounds commit.
      const watching = federa(['run', 'watch', 'watched', '--interval', '0.2', '--metrics-out', file], {
        env,
      });
      await server.coordinator.startRun('watched');
      const r = await watching;
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(await readFile(file, 'utf8')) as { runId: string; rows: unknown[] };
      expect(json.runId).toBe('watched');
      expect(json.rows).toHaveLength(3);
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      await rm(file, { force: true });
    }
    const nowhere = join(tmpdir(), `federa-no-dir-${process.pid}`, 'w.csv');
    const refused = await federa(['run', 'watch', 'watched', '--metrics-out', nowhere], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--metrics-out \S+w\.csv: cannot write in \S+ \(ENOENT\)/);
  });
});
