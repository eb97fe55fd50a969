// `federa sim --workers N`: clients train on worker threads with one TF.js backend each, and the
// federation is the same for any N (issue 13): the same seed gives the same version hashes.
import { describe, expect, it } from 'vitest';
import { federa } from '../cli/run-cli.js';

async function hashes(workers: number): Promise<string[]> {
  const r = await federa([
    ...['sim', '--clients', '3', '--rounds', '2', '--epochs', '1', '--no-secagg', '--json'],
    ...['--seed', '7', '--workers', String(workers)],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as { rounds: { hash: string }[] };
  return result.rounds.map((round) => round.hash);
}

describe('federa sim --workers', () => {
  it('gives the same version hashes with 1 and 2 worker threads', async () => {
    const one = await hashes(1);
    const two = await hashes(2);
    expect(one).toHaveLength(2);
    expect(new Set(one).size).toBe(2);
    expect(two).toEqual(one);
  }, 180_000);

  it('refuses a negative worker count and a zero round timeout with exit code 2', async () => {
    const r = await federa(['sim', '--workers=-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer ≥ 0, got -1/);
    const timeout = await federa(['sim', '--round-timeout', '0']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--round-timeout must be a positive number, got 0/);
  });
});
