// `federa sim --workers N`: clients train on worker threads with one TF.js backend each, and the
// federation is the same for any N (issue 13): the same seed gives the same version hashes.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { federa } from '../cli/run-cli.js';

/** Each version's hash and held-out scores of a seeded run on `workers` client-host threads. */
async function versions(
  workers: number,
): Promise<{ hash: string; test_accuracy: number; test_loss: number }[]> {
  const r = await federa([
    ...['sim', '--clients', '3', '--rounds', '2', '--epochs', '1', '--no-secagg', '--json'],
    ...['--seed', '7', '--workers', String(workers)],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as {
    rounds: { hash: string; metrics: { test_accuracy: number; test_loss: number } }[];
  };
  return result.rounds.map(({ hash, metrics: { test_accuracy, test_loss } }) => ({
    hash,
    test_accuracy,
    test_loss,
  }));
}

describe('federa sim --workers', () => {
  it('gives the same versions and held-out scores, to the bit, with 0, 1 and 2 worker threads', async () => {
    // With threads, the threads score the held-out set, each its own rows; with 0 the coordinator's does.
    const one = await versions(1);
    const two = await versions(2);
    expect(one).toHaveLength(2);
    expect(new Set(one.map((v) => v.hash)).size).toBe(2);
    expect(one.every((v) => v.test_accuracy > 0.3 && Number.isFinite(v.test_loss))).toBe(true);
    expect(two).toEqual(one);
    expect(await versions(0)).toEqual(one);
  }, 180_000);

  it('runs SecAgg+ and attackers on the client threads: sign-flipped FedAvg falls to chance', async () => {
    // Honest FedAvg reaches about 0.86 here after 2 rounds; 2 of 5 clients sending −10× their delta
    // make the mean step −1.2× the honest one, uphill (docs/robustness.md). Masked: the coordinator
    // sees only the sum, which the attack still wrecks.
    const r = await federa([
      ...['sim', '--clients', '5', '--rounds', '2', '--epochs', '1', '--secagg', '--json'],
      ...['--partition', 'iid', '--min-clients', '5', '--byzantine', '2', '--workers', '2'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/secure aggregation \(SecAgg\+\): on/);
    const result = JSON.parse(r.stdout) as { finalAccuracy: number; rounds: { clients: number }[] };
    expect(result.rounds.map((round) => round.clients)).toEqual([5, 5]);
    expect(result.finalAccuracy).toBeLessThan(0.3);
  }, 180_000);

  it('trains a CNN on the coordinator thread too (--workers 0)', () => {
    // A fresh process: the clients' own backend start must register the wasm gradient kernels.
    const script = `
      import { runSimulation } from '@federa/cli';
      const r = await runSimulation({
        clients: 2, partition: { kind: 'iid' }, seed: 1, workers: 0, serving: false, log: () => {},
        settings: { rounds: 1, localEpochs: 1, batchSize: 10, learningRate: 0.05, minClients: 2 },
        model: { name: 'mnist-cnn', rows: { train: 20, test: 10 } },
      });
      await r.stopClients();
      await r.server.close();
      console.log(JSON.stringify(r.rounds.map((round) => round.participants.length)));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('[2]');
  }, 120_000);

  it('exits 1 with the run error when the run fails, leaving nothing running', async () => {
    // A model for 10 inputs: every MNIST client refuses it, so the run fails in its first round.
    const dir = await mkdtemp(join(tmpdir(), 'federa-sim-fail-'));
    const topology = join(dir, 'ten-inputs.json');
    const dense = { units: 10, activation: 'softmax', use_bias: true, batch_input_shape: [null, 10] };
    const layers = [{ class_name: 'Dense', config: { ...dense, name: 'logits' } }];
    await writeFile(topology, JSON.stringify({ class_name: 'Sequential', config: { name: 'ten', layers } }));
    const r = await federa([
      ...['sim', '--clients', '2', '--rounds', '1', '--no-secagg', '--workers', '1', '--json'],
      ...['--topology', topology],
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/federa: run \S+ ended failed: every sampled client refused/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('exits 1 at once when the coordinator refuses the run, rather than keep it listening', async () => {
    // These used to print the refusal and then hang: the coordinator kept listening, so the process
    // never exited (a test timeout here is that bug).
    const refused = await federa(['sim', '--rounds', '1', '--workers', '1', '--min-clients', '20']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/FEDERA_ERR_RUN_CONFIG_INVALID: .*minClients must not exceed/);
    const dir = await mkdtemp(join(tmpdir(), 'federa-sim-topology-'));
    const topology = join(dir, 'no-input-shape.json');
    const layers = [{ class_name: 'Dense', config: { units: 2, name: 'd' } }];
    await writeFile(topology, JSON.stringify({ class_name: 'Sequential', config: { name: 'x', layers } }));
    const unbuildable = await federa(['sim', '--rounds', '1', '--topology', topology]);
    expect(unbuildable.code, unbuildable.stderr).toBe(1);
    expect(unbuildable.stderr).toMatch(/FEDERA_ERR_RUN_TOPOLOGY_INVALID/);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('removes its temporary store when it ends, failed or not; a --store DIR stays', async () => {
    // os.tmpdir() follows TMPDIR: a fresh one shows what the command leaves behind.
    const tmp = await mkdtemp(join(tmpdir(), 'federa-sim-tmp-'));
    const env = { TMPDIR: tmp };
    const ok = await federa(['sim', '--clients', '2', '--rounds', '1', '--no-secagg'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/store \S+, removed when the simulation ends/);
    const failed = await federa(['sim', '--rounds', '1', '--min-clients', '20'], { env });
    expect(failed.code).toBe(1);
    expect(await readdir(tmp)).toEqual([]);
    const store = join(tmp, 'kept');
    const kept = await federa(['sim', '--clients', '2', '--rounds', '1', '--no-secagg', '--store', store], {
      env,
    });
    expect(kept.code, kept.stderr).toBe(0);
    expect(await readdir(tmp)).toEqual(['kept']);
    expect((await readdir(store)).length).toBeGreaterThan(0);
    await rm(tmp, { recursive: true, force: true });
  }, 120_000);

  it('refuses a --metrics-out it cannot write before training, not after the first round', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'federa-sim-metrics-'));
    const missing = join(dir, 'no-such-dir', 'm.csv');
    const r = await federa(['sim', '--rounds', '1', '--metrics-out', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/federa: --metrics-out \S+m\.csv: cannot write in \S+no-such-dir \(ENOENT\)/);
    expect(r.stdout).not.toMatch(/round +clients/);
    const onDirectory = await federa(['sim', '--rounds', '1', '--metrics-out', dir]);
    expect(onDirectory.code).toBe(1);
    expect(onDirectory.stderr).toMatch(/--metrics-out \S+: is a directory/);
    await rm(dir, { recursive: true, force: true });
  });

  it('a --metrics-out lost mid-run is said once, training goes on, and the final write decides the exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'federa-sim-lost-metrics-'));
    const out = join(dir, 'm.csv');
    const running = federa(['sim', '--clients', '2', '--rounds', '8', '--no-secagg', '--metrics-out', out]);
    // The directory goes away once the first round's file is there (a disk unmounted mid-run).
    for (;;) {
      const names: string[] = await readdir(dir).catch(() => []);
      if (names.includes('m.csv')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await rm(dir, { recursive: true, force: true });
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.stdout.match(/training goes on/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/^ +8 +2 /m);
    expect(r.stderr).toBe(`federa: cannot write ${out}: ENOENT\n`);
  }, 120_000);

  it('says each failed round attempt, so a round timeout does not look like a hang', async () => {
    const r = await federa([
      ...['sim', '--clients', '2', '--rounds', '1', '--no-secagg', '--workers', '1', '--json'],
      ...['--round-timeout', '1'],
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/round 1 attempt 1 failed \(FEDERA_ERR_ROUND_FAILED\).*--round-timeout/);
  }, 120_000);

  it('refuses a negative worker count, a zero round timeout and SecAgg+ on rounds of 2 with exit code 2', async () => {
    const r = await federa(['sim', '--workers=-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer ≥ 0, got -1/);
    const timeout = await federa(['sim', '--round-timeout', '0']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--round-timeout must be a positive number, got 0/);
    // Said in the flags' terms: the 1 is the round minimum, half of --clients 2.
    const secagg = await federa(['sim', '--secagg', '--clients', '2']);
    expect(secagg.code).toBe(2);
    expect(secagg.stderr).toMatch(
      /--secagg needs rounds of at least 3 clients, but --min-clients is 1 \(half of --clients 2/,
    );
  });
});
