// Issue 16: `federa client join` takes the malicious-server SecAgg+ policy (docs/cli.md, docs/security.md):
// --require-malicious-server refuses a weaker round, and --pin-file keeps first-seen device keys across
// client processes, so a key the coordinator swaps in later is refused.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, federa, idxBytes, serverProcess } from './run-cli.js';

let dir: string;
let server: Awaited<ReturnType<typeof serverProcess>> | undefined;
const CLIENTS = ['a', 'b', 'c'];

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error('build first: npm run build');
  dir = await mkdtemp(join(tmpdir(), 'federa-client-secagg-'));
  // 2x2 "images" of digits 0..9, the same for every client.
  const labels = Array.from({ length: 20 }, (_, i) => i % 10);
  await writeFile(
    join(dir, 'images.idx'),
    idxBytes(
      [20, 2, 2],
      labels.flatMap((l, i) => [l * 25, i, 255 - l, 7]),
    ),
  );
  await writeFile(join(dir, 'labels.idx'), idxBytes([20], labels));
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(store: string, args: string[] = []) {
  server = await serverProcess(['--store', join(dir, store), ...args]);
  return { FEDERA_URL: server.url };
}

async function createRun(env: Record<string, string>, id: string) {
  const created = await federa(
    ['run', 'create', '--id', id, '--model', 'logistic', '--inputs', '4', '--classes', '10']
      .concat(['--rounds', '1', '--clients-per-round', '3', '--min-clients', '3', '--batch', '8'])
      .concat(['--secure-aggregation']),
    { env },
  );
  expect(created.code, created.stderr).toBe(0);
}

const join3 = (env: Record<string, string>, run: string, extra: (id: string) => string[]) =>
  CLIENTS.map((id) =>
    federa(
      ['client', 'join', '--run', run, '--id', id, '--json']
        .concat(['--data', join(dir, 'images.idx'), '--labels', join(dir, 'labels.idx')])
        .concat(extra(id)),
      { env },
    ),
  );

const events = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; code?: string; status?: string });

interface RunStatus {
  status: string;
  completedRounds: number;
  refusals: Array<{ clientId: string; code: string }>;
}

async function runStatus(env: Record<string, string>, id: string): Promise<RunStatus> {
  return (await (await fetch(`${env.FEDERA_URL}/api/runs/${id}`)).json()) as RunStatus;
}

/** Wait until every client refused the run's task with `code`, then stop the run (RunEnded: they exit 0). */
async function refusedThenStopped(env: Record<string, string>, id: string, code: string, who: string[]) {
  for (;;) {
    const run = await runStatus(env, id);
    const refused = run.refusals.filter((r) => r.code === code).map((r) => r.clientId);
    if (who.every((c) => refused.includes(c))) break;
    expect(
      run.status,
      `run ${id} ended before ${who.join(', ')} refused with ${code}: ${JSON.stringify(run.refusals)}`,
    ).toBe('running');
    await new Promise((r) => setTimeout(r, 200));
  }
  const stopped = await federa(['run', 'stop', id], { env });
  expect(stopped.code, stopped.stderr).toBe(0);
}

/** An admin issues a token bound to `clientId` over REST; the device enrols from the CLI. Its fingerprint. */
async function enrol(env: Record<string, string>, clientId: string, keyDir: string[]): Promise<string> {
  const res = await fetch(`${env.FEDERA_URL}/api/enrolment-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId }),
  });
  expect(res.status).toBe(201);
  const { token } = (await res.json()) as { token: string };
  const enrolled = await federa(
    ['client', 'enrol', '--id', clientId, ...keyDir, '--enrolment-token', token],
    {
      env,
    },
  );
  expect(enrolled.code, enrolled.stderr).toBe(0);
  return /fingerprint (\S+)/.exec(enrolled.stdout)![1]!;
}

describe('federa client join: malicious-server SecAgg+ policy', () => {
  it('--require-malicious-server refuses an honest-but-curious round with THREAT_DOWNGRADE, before any key', async () => {
    const env = await start('downgrade');
    await createRun(env, 'weak');
    const clients = join3(env, 'weak', () => ['--require-malicious-server', '--min-inputs', '3']);
    expect((await federa(['run', 'start', 'weak'], { env })).code).toBe(0);
    await refusedThenStopped(env, 'weak', 'FEDERA_ERR_SECAGG_THREAT_DOWNGRADE', CLIENTS);
    for (const r of await Promise.all(clients)) {
      expect(r.code, r.stderr).toBe(0);
      const seen = events(r);
      expect(seen.find((e) => e.event === 'refused')?.code).toBe('FEDERA_ERR_SECAGG_THREAT_DOWNGRADE');
      expect(seen.map((e) => e.event)).not.toContain('trained');
    }
    expect((await runStatus(env, 'weak')).completedRounds).toBe(0);
  }, 120_000);

  it('--min-inputs N refuses to unmask a sum of fewer than N inputs with TOO_FEW_INPUTS', async () => {
    const env = await start('floor');
    await createRun(env, 'small');
    const clients = join3(env, 'small', () => ['--min-inputs', '4']);
    expect((await federa(['run', 'start', 'small'], { env })).code).toBe(0);
    // Every attempt's unmask is refused, so the run fails; RunEnded ends each client with exit 0.
    for (const r of await Promise.all(clients)) {
      expect(r.code, r.stderr).toBe(0);
      const refused = events(r).filter((e) => e.event === 'refused');
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['FEDERA_ERR_SECAGG_TOO_FEW_INPUTS']));
      expect(events(r).find((e) => e.event === 'finished')?.status).toBe('failed');
    }
    expect((await runStatus(env, 'small')).completedRounds).toBe(0);
  }, 180_000);

  it('--pin-file keeps first-seen device keys across processes: a key swapped in later is refused', async () => {
    const env = await start('pins', ['--identity', 'required']);
    const keys = (id: string, generation = 1) => ['--key-dir', join(dir, `keys-${id}-${generation}`)];
    const pinFile = (id: string) => ['--pin-file', join(dir, `pins-${id}.json`)];

    // First processes: enrol, pin each other's keys in a malicious-server round that commits.
    await createRun(env, 'first');
    const fingerprints = new Map<string, string>();
    for (const id of CLIENTS) fingerprints.set(id, await enrol(env, id, keys(id)));
    const first = join3(env, 'first', (id) => [...keys(id), ...pinFile(id), '--require-malicious-server']);
    expect((await federa(['run', 'start', 'first'], { env })).code).toBe(0);
    for (const r of await Promise.all(first)) {
      expect(r.code, r.stderr).toBe(0);
      expect(events(r).find((e) => e.event === 'finished')?.status).toBe('completed');
    }
    const pinsOfA = JSON.parse(await readFile(join(dir, 'pins-a.json'), 'utf8')) as Record<string, string>;
    expect(pinsOfA).toMatchObject({ b: fingerprints.get('b'), c: fingerprints.get('c') });

    // The coordinator's operator replaces b's device key (a token bound to b lifts the old enrolment).
    await createRun(env, 'second');
    expect(await enrol(env, 'b', keys('b', 2))).not.toBe(fingerprints.get('b'));
    const second = join3(env, 'second', (id) => (id === 'b' ? keys('b', 2) : [...keys(id), ...pinFile(id)]));
    expect((await federa(['run', 'start', 'second'], { env })).code).toBe(0);
    // a and c are new processes, but their pin files still hold b's first key.
    await refusedThenStopped(env, 'second', 'FEDERA_ERR_SECAGG_BAD_SIGNATURE', ['a', 'c']);
    const [a, , c] = await Promise.all(second);
    for (const r of [a!, c!]) {
      expect(r.code, r.stderr).toBe(0);
      expect(events(r).find((e) => e.event === 'refused')?.code).toBe('FEDERA_ERR_SECAGG_BAD_SIGNATURE');
    }
    expect((await runStatus(env, 'second')).completedRounds).toBe(0);
    // The pins are kept, never overwritten by the swapped key.
    expect(JSON.parse(await readFile(join(dir, 'pins-a.json'), 'utf8'))).toEqual(pinsOfA);
  }, 180_000);
});
