import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { federa } from './run-cli.js';

const ADMIN = 'seed-admin-token';
let server: FullServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
  env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
});
afterAll(async () => {
  await server?.close();
});

/** `federa sim --json` with a small federation; resolves the version hashes, version 0 first. */
async function simHashes(seed: string): Promise<string[]> {
  const r = await federa([
    ...['sim', '--clients', '3', '--rounds', '2', '--epochs', '1', '--partition', 'iid'],
    ...['--seed', seed, '--json'],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as {
    rounds: Array<{ hash: string; cpuSeconds: number }>;
    initialHash: string;
  };
  // Every round trained: the process spent CPU on it (the figure bench/train.mjs bounds the speed-up with).
  for (const round of result.rounds) expect(round.cpuSeconds).toBeGreaterThan(0);
  return [result.initialHash, ...result.rounds.map((round) => round.hash)];
}

/** `federa run create --model mlp … [--seed S]`; resolves the hash of version 0. */
async function initialHash(id: string, seed?: string): Promise<string> {
  const created = await federa(
    [
      ...['run', 'create', '--id', id, '--model', 'mlp', '--inputs', '5', '--classes', '3'],
      ...(seed === undefined ? [] : ['--seed', seed]),
      '--json',
    ],
    { env },
  );
  expect(created.code, created.stderr).toBe(0);
  const res = await fetch(`${server.url}/api/runs/${id}/versions`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const versions = (await res.json()) as Array<{ version: number; hash: string }>;
  return versions.find((v) => v.version === 0)!.hash;
}

describe('--seed: reproducible runs', () => {
  it('two `federa sim` runs with the same --seed produce identical version hashes; another seed differs', async () => {
    const a = await simHashes('7');
    const b = await simHashes('7');
    expect(a).toHaveLength(3);
    for (const hash of a) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    const c = await simHashes('8');
    expect(c[0]).not.toBe(a[0]);
    expect(c.at(-1)).not.toBe(a.at(-1));
  }, 300_000);

  it('`run create --seed` fixes the initial weights whatever the run id; without a seed they differ', async () => {
    const seeded = await initialHash('seeded-a', 'cohort-1');
    expect(await initialHash('seeded-b', 'cohort-1')).toBe(seeded);
    expect(await initialHash('seeded-c', 'cohort-2')).not.toBe(seeded);
    expect(await initialHash('unseeded-a')).not.toBe(await initialHash('unseeded-b'));
    const run = await fetch(`${server.url}/api/runs/seeded-a`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    }).then((r) => r.json());
    expect(run.settings).toMatchObject({ seed: 'cohort-1', samplingSeed: 'cohort-1' });
  }, 60_000);
});
