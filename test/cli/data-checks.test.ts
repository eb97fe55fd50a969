import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientEvent, FederaClient, type FederaClientOptions } from '@federa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { tinyData } from '../helpers/federation.js';
import { type CliResult, federa, idxBytes, tinyCsv } from './run-cli.js';

// Issue 14 items 2-3: a client checks its data against the run's model before it joins or trains.
const ADMIN = 'data-checks-admin';
let server: FullServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
  dir = await mkdtemp(join(tmpdir(), 'federa-data-checks-'));
  env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
  await writeFile(join(dir, 'a.csv'), tinyCsv(30, 1));
  await writeFile(join(dir, 'b.csv'), tinyCsv(30, 2));
  // IDX clients holding two digits each, 2x2 "images".
  for (const [name, digits] of [
    ['low', [0, 1]],
    ['high', [8, 9]],
  ] as const) {
    const labels = Array.from({ length: 16 }, (_, i) => digits[i % 2]!);
    const pixels = labels.flatMap((l, i) => [l * 25, 255 - l * 25, (i * 37) % 256, 128]);
    await writeFile(join(dir, `${name}-images.idx`), idxBytes([16, 2, 2], pixels));
    await writeFile(join(dir, `${name}-labels.idx`), idxBytes([16], labels));
  }
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const create = (id: string, inputs: number, classes: number, extra: string[] = []) =>
  federa(
    [
      ...[
        'run',
        'create',
        '--id',
        id,
        '--model',
        'logistic',
        '--inputs',
        `${inputs}`,
        '--classes',
        `${classes}`,
      ],
      ...['--rounds', '1', '--clients-per-round', '2', '--min-clients', '2', '--batch', '8', ...extra],
    ],
    { env },
  );

const joinIdx = (run: string, name: string) =>
  federa(
    [
      ...['client', 'join', '--run', run, '--id', `${run}-${name}`],
      ...['--data', join(dir, `${name}-images.idx`), '--labels', join(dir, `${name}-labels.idx`)],
    ],
    { env },
  );

/** Exit 1, one line on stderr naming the typed code, no stack. */
function expectRefusal(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^federa: FEDERA_ERR_DATA_MODEL_MISMATCH: the local data does not fit the run's model: /,
  );
  expect(lines[0]).toMatch(pattern);
}

describe('client data checked against the run model before joining', () => {
  it('CSV encoded to 5 inputs against a 4-input model: both clients refuse with one typed line, before any round', async () => {
    expect((await create('csv-width', 4, 2)).code).toBe(0);
    const joinCsv = (file: string) =>
      federa(
        [
          ...['client', 'join', '--run', 'csv-width', '--id', `csv-${file}`, '--data', join(dir, file)],
          ...['--label', 'y', '--categorical', 'c'],
        ],
        { env },
      );
    for (const r of await Promise.all([joinCsv('a.csv'), joinCsv('b.csv')])) {
      expectRefusal(r, /the data has 5 inputs per example, the run's model takes 4/);
    }
    const run = await (
      await fetch(`${server.url}/api/runs/csv-width`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json();
    expect(run.status).toBe('created');
  }, 120_000);

  it('IDX without --classes takes the model class count: clients holding digits {0,1} and {8,9} train a 10-class model', async () => {
    expect((await create('idx-classes', 4, 10)).code).toBe(0);
    const clients = [joinIdx('idx-classes', 'low'), joinIdx('idx-classes', 'high')];
    expect((await federa(['run', 'start', 'idx-classes'], { env })).code).toBe(0);
    for (const r of await Promise.all(clients)) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/round 1: trained on 16 examples/);
    }
  }, 120_000);

  it('IDX labels up to 9 against a 2-class model, and a wrong --classes, refuse with one typed line', async () => {
    expect((await create('idx-two', 4, 2)).code).toBe(0);
    expectRefusal(await joinIdx('idx-two', 'high'), /the data has label 9, the run's model has 2 classes/);
    expect((await create('idx-ten', 4, 10)).code).toBe(0);
    const wrong = await federa(
      [
        ...['client', 'join', '--run', 'idx-ten', '--classes', '12'],
        ...['--data', join(dir, 'low-images.idx'), '--labels', join(dir, 'low-labels.idx')],
      ],
      { env },
    );
    expectRefusal(wrong, /the data has 12 classes, the run's model has 10/);
  }, 120_000);
});

/** Two clients of `run` (ids `<prefix>-0`, `<prefix>-1`) on 12 rows of 8-feature, 3-class data (FederaClient API). */
const twoClients = (run: string, prefix: string, extra: Partial<FederaClientOptions> = {}) =>
  [0, 1].map(
    (i) =>
      new FederaClient({
        url: server.url,
        clientId: `${prefix}-${i}`,
        runs: [run],
        token: ADMIN,
        data: tinyData(12, i),
        ...extra,
      }),
  );

describe('a run whose clients all refuse says so', () => {
  it('clients refuse tasks over the wire with a typed Error; the run fails at once with FEDERA_ERR_RUN_CLIENTS_REFUSED and run status names each refusal', async () => {
    // A 7-input model; the clients hold 8 features (FederaClient API, which checks on the model it is sent).
    expect((await create('refused', 7, 3, ['--round-timeout', '600000'])).code).toBe(0);
    const events: ClientEvent[] = [];
    const clients = twoClients('refused', 'refuser', { onEvent: (e) => events.push(e) });
    try {
      await Promise.all(clients.map((c) => c.start()));
      expect((await federa(['run', 'start', 'refused'], { env })).code).toBe(0);
      // The round timeout is 10 minutes: this returns only because the refusals end each attempt.
      const watched = await federa(['run', 'watch', 'refused', '--interval', '0.2'], { env });
      expect(watched.code).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
    }
    const status = await federa(['run', 'status', 'refused'], { env });
    expect(status.stdout).toContain('refused');
    expect(status.stdout).toMatch(
      /refused by refuser-0: FEDERA_ERR_DATA_MODEL_MISMATCH: .*the data has 8 inputs per example, the run's model takes 7/,
    );
    expect(status.stdout).toMatch(/refused by refuser-1: FEDERA_ERR_DATA_MODEL_MISMATCH/);
    expect(status.stdout).toMatch(
      /error: FEDERA_ERR_RUN_CLIENTS_REFUSED: every sampled client refused the run.s tasks: round 1: refuser-/,
    );
    expect(events.filter((e) => e.type === 'refused').length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === 'trained')).toBe(false);
  }, 120_000);

  it('clients whose training always fails (a device out of memory) refuse with FEDERA_ERR_CLIENT_TRAINING_FAILED; the run fails the same way, and a new run still trains', async () => {
    // The data fits the model; the failure is in training itself, through the client's `trainer` option.
    expect((await create('failing', 8, 3, ['--round-timeout', '600000'])).code).toBe(0);
    const events: ClientEvent[] = [];
    const failing = twoClients('failing', 'failing', {
      trainer: () => Promise.reject(new Error('device ran out of memory')),
      onEvent: (e) => events.push(e),
    });
    try {
      await Promise.all(failing.map((c) => c.start()));
      expect((await federa(['run', 'start', 'failing'], { env })).code).toBe(0);
      // The round timeout is 10 minutes: this returns only because the refusals end each attempt.
      expect((await federa(['run', 'watch', 'failing', '--interval', '0.2'], { env })).code).toBe(1);
    } finally {
      await Promise.all(failing.map((c) => c.stop()));
    }
    const status = await federa(['run', 'status', 'failing'], { env });
    expect(status.stdout).toMatch(
      /refused by failing-0: FEDERA_ERR_CLIENT_TRAINING_FAILED: .*device ran out of memory/,
    );
    expect(status.stdout).toMatch(/refused by failing-1: FEDERA_ERR_CLIENT_TRAINING_FAILED/);
    expect(status.stdout).toMatch(/error: FEDERA_ERR_RUN_CLIENTS_REFUSED: every sampled client refused/);
    expect(events.filter((e) => e.type === 'refused').length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === 'trained')).toBe(false);

    // The coordinator is still healthy: two clients that train complete a new run.
    expect((await create('after-failing', 8, 3)).code).toBe(0);
    const healthy = twoClients('after-failing', 'healthy');
    try {
      await Promise.all(healthy.map((c) => c.start()));
      expect((await federa(['run', 'start', 'after-failing'], { env })).code).toBe(0);
      expect((await federa(['run', 'watch', 'after-failing', '--interval', '0.2'], { env })).code).toBe(0);
    } finally {
      await Promise.all(healthy.map((c) => c.stop()));
    }
  }, 180_000);
});
