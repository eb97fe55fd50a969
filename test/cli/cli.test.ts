import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, FederaStore } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { BIN, type CliResult, federa, idxBytes, serverProcess, tinyCsv } from './run-cli.js';

const ADMIN = 'cli-admin-token';
let server: FullServer;
let dir: string;
let env: Record<string, string>;

/** One line on stderr, starting `federa:`, no stack frames, non-zero exit. */
function expectOneLineFailure(r: CliResult, pattern: RegExp, code = 1): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^federa: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  if (!existsSync(BIN))
    throw new Error(
      'build first: npx tsc -p packages/<pkg>/tsconfig.build.json (core, protocol, server, client, cli)',
    );
  server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
  dir = await mkdtemp(join(tmpdir(), 'federa-cli-'));
  env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
  await writeFile(join(dir, 'a.csv'), tinyCsv(40, 1));
  await writeFile(join(dir, 'b.csv'), tinyCsv(30, 2));
  await writeFile(join(dir, 'words.csv'), 'f1,f2,c,y\n0.1,high,x,1\n');
  await writeFile(join(dir, 'ragged.csv'), 'f1,f2,c,y\n0.1,0.2,x\n');
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('federa help', () => {
  it('prints help for the CLI and every command, exit 0', async () => {
    for (const args of [
      ['--help'],
      ['server', '--help'],
      ['run', '--help'],
      ['client', '--help'],
      ['model', '--help'],
      ['sim', '--help'],
      ['run', 'list', '--help'],
      ['client', 'join', '--help'],
    ]) {
      const r = await federa(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/federa/);
    }
  });
});

describe('federa against a real coordinator', () => {
  it('creates, joins (two client processes), starts, watches and inspects a run; lists, promotes, rolls back and pulls models', async () => {
    const created = await federa(
      [
        'run',
        'create',
        '--id',
        'cli-run',
        '--model',
        'mlp',
        '--inputs',
        '5',
        '--classes',
        '2',
        '--hidden',
        '4',
        '--rounds',
        '3',
        '--clients-per-round',
        '2',
        '--min-clients',
        '2',
        '--epochs',
        '1',
        '--batch',
        '8',
        '--lr',
        '0.2',
        '--json',
      ],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      status: 'created',
      settings: { id: 'cli-run', rounds: 3 },
    });
    expect(
      JSON.parse((await federa(['run', 'list', '--json'], { env })).stdout).map(
        (r: { settings: { id: string } }) => r.settings.id,
      ),
    ).toContain('cli-run');

    const joinRun = (id: string, file: string) =>
      federa(
        [
          'client',
          'join',
          '--run',
          'cli-run',
          '--id',
          id,
          '--data',
          join2(file),
          '--label',
          'y',
          '--categorical',
          'c',
          '--json',
        ],
        { env },
      );
    const join2 = (f: string) => `${dir}/${f}`;
    const clients = [joinRun('clinic-a', 'a.csv'), joinRun('clinic-b', 'b.csv')];
    const started = await federa(['run', 'start', 'cli-run', '--json'], { env });
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout).status).toBe('running');

    const watch = await federa(['run', 'watch', 'cli-run', '--interval', '0.2'], { env });
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stdout).toMatch(/cli-run\s+completed\s+\[#+\] 3\/3/);
    expect(watch.stdout).toMatch(/round\s+clients\s+train_loss/);

    for (const r of await Promise.all(clients)) {
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const events = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string; inputs?: number; rows?: number; status?: string });
      expect(events.find((e) => e.event === 'encoded')).toMatchObject({ inputs: 5, rows: 70 });
      expect(events.filter((e) => e.event === 'trained').length).toBe(3);
      expect(events.at(-1)).toMatchObject({ event: 'finished', status: 'completed' });
    }

    const status = JSON.parse((await federa(['run', 'status', 'cli-run', '--json'], { env })).stdout);
    expect(status).toMatchObject({ status: 'completed', completedRounds: 3 });
    expect(status.rounds).toHaveLength(3);
    const text = await federa(['run', 'status', 'cli-run'], { env });
    expect(text.stdout.split('\n')).toHaveLength(1 + 1 + 3 + 1);

    const models = JSON.parse((await federa(['model', 'list', '--json'], { env })).stdout);
    expect(models.find((m: { name: string }) => m.name === 'cli-run')).toMatchObject({ latestVersion: 3 });
    const versions = JSON.parse((await federa(['model', 'list', 'cli-run', '--json'], { env })).stdout);
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([0, 1, 2, 3]);

    expect(
      JSON.parse((await federa(['model', 'promote', 'cli-run', '2', '--json'], { env })).stdout),
    ).toMatchObject({ label: 'production', version: 2 });
    expect((await federa(['model', 'promote', 'cli-run', '3'], { env })).stdout).toMatch(/production -> v3/);
    expect(
      JSON.parse((await federa(['model', 'rollback', 'cli-run', '--json'], { env })).stdout),
    ).toMatchObject({ label: 'production', version: 2 });

    const out = join2('pulled');
    const pulled = await federa(
      ['model', 'pull', 'cli-run', '--label', 'production', '--out', out, '--json'],
      { env },
    );
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({
      version: 2,
      files: ['model.json', 'group1-shard1of1.bin', 'transform.json'],
    });
    // The run's preprocessing comes with the model (docs/serving.md): the CSV run's transform.
    const transform = JSON.parse(readFileSync(join(out, 'transform.json'), 'utf8'));
    expect(transform).toMatchObject({ format: 'federa.tabular.v1', classes: ['0', '1'] });
    expect(transform.features.map((f: { name: string }) => f.name)).toEqual(['f1', 'f2', 'c']);
    const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    const params = 5 * 4 + 4 + 4 * 2 + 2;
    expect(readFileSync(join(out, 'group1-shard1of1.bin')).length).toBe(params * 4);
  }, 120_000);

  it('joins with IDX image and label files (two client processes)', async () => {
    for (const [c, n] of [
      ['a', 24],
      ['b', 16],
    ] as const) {
      const labels = Array.from({ length: n }, (_, i) => i % 2);
      const pixels = labels.flatMap((l, i) => [l ? 255 : 0, l ? 0 : 255, (i * 37) % 256, 128]);
      await writeFile(join(dir, `${c}-images.idx`), idxBytes([n, 2, 2], pixels));
      await writeFile(join(dir, `${c}-labels.idx`), idxBytes([n], labels));
    }
    const create = [
      'run',
      'create',
      '--id',
      'idx-run',
      '--model',
      'logistic',
      '--inputs',
      '4',
      '--classes',
      '2',
    ];
    const settings = ['--rounds', '2', '--clients-per-round', '2', '--min-clients', '2', '--batch', '8'];
    expect((await federa([...create, ...settings], { env })).code).toBe(0);
    const joinIdx = (c: string) =>
      federa(
        [
          'client',
          'join',
          '--run',
          'idx-run',
          '--id',
          `idx-${c}`,
          '--data',
          join(dir, `${c}-images.idx`),
          '--labels',
          join(dir, `${c}-labels.idx`),
        ],
        { env },
      );
    const clients = [joinIdx('a'), joinIdx('b')];
    expect((await federa(['run', 'start', 'idx-run'], { env })).code).toBe(0);
    for (const r of await Promise.all(clients)) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/round 2: trained on (24|16) examples/);
      expect(r.stdout).toContain('run idx-run completed after 2 rounds');
    }
  }, 120_000);

  it('run create --local-batch-norm makes a FedBN run (BatchNormalization stays on the clients)', async () => {
    const args = ['--id', 'fedbn', '--model', 'mlp', '--inputs', '5', '--classes', '2', '--local-batch-norm'];
    const created = JSON.parse((await federa(['run', 'create', ...args, '--json'], { env })).stdout);
    expect(created.settings.localBatchNorm).toBe(true);
    const plain = ['--id', 'no-fedbn', '--model', 'mlp', '--inputs', '5', '--classes', '2', '--json'];
    expect(
      JSON.parse((await federa(['run', 'create', ...plain], { env })).stdout).settings.localBatchNorm,
    ).not.toBe(true);
  });

  it('stops a running run', async () => {
    const args = [
      '--id',
      'to-stop',
      '--model',
      'logistic',
      '--inputs',
      '5',
      '--classes',
      '2',
      '--min-clients',
      '2',
    ];
    expect((await federa(['run', 'create', ...args], { env })).stdout).toMatch(/created run to-stop/);
    expect((await federa(['run', 'start', 'to-stop'], { env })).stdout).toMatch(/to-stop: running/);
    expect(JSON.parse((await federa(['run', 'stop', 'to-stop', '--json'], { env })).stdout).status).toBe(
      'stopped',
    );
  });

  it('applies flags > environment > config file', async () => {
    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    const config = join(dir, 'federa.config.json');
    await writeFile(config, JSON.stringify({ server: unreachable, token: ADMIN }));
    expectOneLineFailure(
      await federa(['run', 'list', '--config', config]),
      /cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(
      (await federa(['run', 'list', '--config', config], { env: { FEDERA_URL: server.url } })).code,
    ).toBe(0);
    expect((await federa(['run', 'list'], { cwd: dir, env: { FEDERA_URL: server.url } })).code).toBe(0);
    expectOneLineFailure(await federa(['run', 'list', '--server', unreachable], { env }), /cannot reach/);
  });
});

describe('bad invocations: non-zero exit, one actionable line, no stack trace', () => {
  beforeAll(async () => {
    const r = await federa(
      [
        'run',
        'create',
        '--id',
        'pending',
        '--model',
        'logistic',
        '--inputs',
        '5',
        '--classes',
        '2',
        '--min-clients',
        '2',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
  });
  const joinPending = (file: string) => [
    'client',
    'join',
    '--run',
    'pending',
    '--data',
    file,
    '--label',
    'y',
    '--categorical',
    'c',
  ];

  it('unknown flag and unknown command exit 2 and name --help', async () => {
    expectOneLineFailure(
      await federa(['run', 'list', '--bogus'], { env }),
      /Unknown option '--bogus'.*federa run list --help/,
      2,
    );
    expectOneLineFailure(await federa(['launch']), /unknown command 'launch'.*federa --help/, 2);
    expectOneLineFailure(await federa(['model', 'frob'], { env }), /unknown subcommand 'model frob'/, 2);
    expectOneLineFailure(
      await federa(['client', 'join', '--run', 'pending'], { env }),
      /needs --data PATH/,
      2,
    );
  });

  it('missing data file, missing config file', async () => {
    expectOneLineFailure(
      await federa(joinPending(join(dir, 'nope.csv')), { env }),
      /data file .*nope\.csv not found/,
    );
    expectOneLineFailure(
      await federa(['run', 'list', '--config', join(dir, 'absent.json')], { env }),
      /config file .*absent\.json not found/,
    );
  });

  it('bad CSV: non-numeric value and ragged row', async () => {
    expectOneLineFailure(
      await federa(joinPending(join(dir, 'words.csv')), { env }),
      /FEDERA_ERR_DATA_NOT_NUMERIC: .*column "f2" row 1 is "high"/,
    );
    expectOneLineFailure(
      await federa(joinPending(join(dir, 'ragged.csv')), { env }),
      /FEDERA_ERR_DATA_MALFORMED: .*line 2 has 3 fields/,
    );
    expectOneLineFailure(
      await federa([...joinPending(join(dir, 'a.csv')).slice(0, -4), '--label', 'outcome'], { env }),
      /FEDERA_ERR_DATA_MISSING_COLUMN: .*"outcome"/,
    );
  });

  it('wrong token, unreachable server, unknown run', async () => {
    expectOneLineFailure(
      await federa(['model', 'promote', 'pending', '0', '--token', 'wrong'], { env }),
      /rejected the token .*FEDERA_ERR_AUTH_INVALID.*--token or FEDERA_TOKEN/,
    );
    expectOneLineFailure(
      await federa(['run', 'status', 'pending', '--server', `http://127.0.0.1:${await closedPort()}`]),
      /cannot reach the coordinator .*ECONNREFUSED.*federa server start/,
    );
    expectOneLineFailure(await federa(['run', 'status', 'ghost'], { env }), /FEDERA_ERR_RUN_NOT_FOUND/);
  });
});

describe('federa server start', () => {
  it('serves the REST API until SIGTERM; bad TLS flags fail with one line', async () => {
    const server = await serverProcess(['--store', join(dir, 'store')]);
    const listed = await federa(['run', 'list', '--json'], { env: { FEDERA_URL: server.url } });
    expect(JSON.parse(listed.stdout)).toEqual([]);
    expect(await server.stop()).toBe(0);
    expectOneLineFailure(
      await federa(['server', 'start', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']),
      /--tls-cert: cannot read c\.pem/,
    );
    expectOneLineFailure(
      await federa(['server', 'start', '--tls-cert', 'c.pem']),
      /--tls-cert and --tls-key go together/,
      2,
    );
  });

  it('applies audit retention from flags and environment at start, and refuses bad values', async () => {
    const store = join(dir, 'audit-store');
    const opened = await FederaStore.open(store);
    const log = await AuditLog.open(opened);
    const actor = { role: 'admin', tokenId: 'abcd1234' };
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    for (let i = 0; i < 4; i++) await log.append({ type: 'run.start', actor, at: old });
    for (let i = 0; i < 2; i++) await log.append({ type: 'run.stop', actor });
    await log.close();
    await opened.close();

    const server = await serverProcess(['--store', store, '--audit-max-entries', '5'], {
      FEDERA_AUDIT_MAX_AGE_DAYS: '1',
    });
    const entries = (await (await fetch(`${server.url}/api/audit`)).json()) as Array<{
      seq: number;
      type: string;
      detail?: object;
    }>;
    expect(await server.stop()).toBe(0);
    // The age limit (4 entries) removes more than the entry limit alone would (2): both were read.
    expect(entries.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(entries[2]).toMatchObject({
      type: 'audit.prune',
      detail: { removed: 4, maxAgeMs: 86_400_000, maxEntries: 5 },
    });
    expectOneLineFailure(
      await federa(['server', 'start', '--store', store, '--audit-max-entries', '0']),
      /--audit-max-entries must be a positive number, got '0'/,
      2,
    );
  });
});

describe('federa sim', () => {
  it('runs a one-round simulation and prints a JSON result', async () => {
    const r = await federa(['sim', '--clients', '2', '--rounds', '1', '--epochs', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.rounds).toHaveLength(1);
    expect(result.finalAccuracy).toBeGreaterThan(0.1);
  }, 120_000);
});
