import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { federa, serverProcess, tinyCsv } from '../cli/run-cli.js';
import { tempDir, waitFor } from '../helpers/federation.js';
import { type JoinProcess, freePort, joinProcess } from './cli-client.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const ROUNDS = 8;
const csvArgs = (file: string) => ['--data', file, '--label', 'y', '--categorical', 'c'];

async function setup(name: string) {
  const dir = await tempDir(`federa-reliability-${name}-`);
  cleanup.push(dir.remove);
  for (const i of [0, 1]) await writeFile(join(dir.path, `${i}.csv`), tinyCsv(40, i));
  const port = await freePort();
  const start = () => serverProcess(['--port', String(port), '--store', join(dir.path, 'store')]);
  return { dir: dir.path, start };
}

async function createRun(url: string, id: string, extra: string[]) {
  const created = await federa(
    ['run', 'create', '--id', id, '--model', 'logistic', '--inputs', '5', '--classes', '2', ...extra],
    { env: { FEDERA_URL: url } },
  );
  expect(created.code, created.stderr).toBe(0);
  expect((await federa(['run', 'start', id], { env: { FEDERA_URL: url } })).code).toBe(0);
}

const runOf = async (url: string, id: string) =>
  (await fetch(`${url}/api/runs/${id}`).then((r) => r.json())) as {
    status: string;
    completedRounds: number;
    rounds: Array<{ round: number }>;
  };

// Issue 17, done-when 1: `federa client join` processes ride out a coordinator SIGKILLed three times.
describe('federa client join across coordinator crashes', () => {
  it('the run completes with every round committed once and the clients exit 0', async () => {
    const { dir, start } = await setup('kills');
    let server = await start();
    const url = server.url;
    cleanup.push(() => server.kill());
    await createRun(url, 'survive', [
      '--rounds',
      String(ROUNDS),
      '--min-clients',
      '2',
      '--clients-per-round',
      '2',
    ]);
    const clients: JoinProcess[] = [0, 1].map((i) =>
      joinProcess(url, ['--run', 'survive', '--id', `site-${i}`, ...csvArgs(join(dir, `${i}.csv`))]),
    );
    cleanup.push(() => {
      for (const c of clients) c.child.kill('SIGKILL');
    });
    const seen = (event: string, pred: (e: Record<string, unknown>) => boolean = () => true) =>
      clients.some((c) => c.events.some((e) => e.event === event && pred(e)));

    /** SIGKILL, stay away longer than the clients' first retry (250 ms), restart on the same store and port. */
    const crash = async () => {
      server.kill();
      await new Promise((r) => setTimeout(r, 1500));
      server = await start();
      expect(server.url).toBe(url);
    };
    // Right after a commit: the first poll that sees round 2 committed.
    await waitFor(async () => (await runOf(url, 'survive')).completedRounds >= 2, 120_000);
    await crash();
    // Mid-round: a client has its round-4 task and is training.
    await waitFor(() => seen('task', (e) => Number(e['round']) >= 4), 120_000);
    await crash();
    // Between rounds: round 6's uploads were accepted; the coordinator dies around its close and commit.
    await waitFor(() => seen('accepted') && seen('trained', (e) => Number(e['round']) >= 6), 120_000);
    await crash();

    const codes = await Promise.all(clients.map((c) => c.exited));
    expect(codes, clients.map((c) => c.stderr()).join('\n')).toEqual([0, 0]);
    const run = await runOf(url, 'survive');
    expect(run.status).toBe('completed');
    expect(run.rounds.map((r) => r.round)).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
    for (const c of clients) {
      expect(c.events.at(-1)).toMatchObject({ event: 'finished', runId: 'survive', status: 'completed' });
      // Each state change once per outage, not once per attempt: three crashes, at most three of each.
      for (const state of ['disconnected', 'retrying', 'reconnected'])
        expect(c.events.filter((e) => e.event === state).length, state).toBeLessThanOrEqual(3);
      expect(c.events.filter((e) => e.event === 'reconnected').length).toBeGreaterThanOrEqual(1);
    }
  }, 300_000);

  // Issue 17, done-when 2.
  it('gives up when the coordinator stays away past --give-up-after: exit 1, one line naming it and how long', async () => {
    const { dir, start } = await setup('away');
    const server = await start();
    cleanup.push(() => server.kill());
    await createRun(server.url, 'away', ['--rounds', '50', '--min-clients', '1', '--clients-per-round', '1']);
    const client = joinProcess(server.url, [
      '--run',
      'away',
      '--id',
      'patient',
      '--give-up-after',
      '3',
      ...csvArgs(join(dir, '0.csv')),
    ]);
    cleanup.push(() => client.child.kill('SIGKILL'));
    await waitFor(() => client.events.some((e) => e.event === 'trained'), 60_000);
    server.kill();
    expect(await client.exited).toBe(1);
    const lines = client.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^federa: FEDERA_ERR_CLIENT_GAVE_UP: .*${server.url.replace(/[.:/]/g, '\\$&')}, tried for [34] s$`,
      ),
    );
  }, 120_000);

  it('SIGTERM stops a joined client cleanly with exit 0', async () => {
    const { dir, start } = await setup('term');
    const server = await start();
    cleanup.push(() => server.kill());
    await createRun(server.url, 'term', ['--rounds', '50', '--min-clients', '1', '--clients-per-round', '1']);
    const client = joinProcess(server.url, [
      '--run',
      'term',
      '--id',
      'leaver',
      ...csvArgs(join(dir, '0.csv')),
    ]);
    cleanup.push(() => client.child.kill('SIGKILL'));
    await waitFor(() => client.events.some((e) => e.event === 'task'), 60_000);
    client.child.kill('SIGTERM');
    expect(await client.exited).toBe(0);
    expect(client.events.at(-1)).toMatchObject({ event: 'stopping', signal: 'SIGTERM' });
  }, 120_000);
});
