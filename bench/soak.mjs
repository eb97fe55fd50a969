// Soak: N synthetic clients (test/soak/driver, no TF.js) against a coordinator in its own process
// (node --expose-gc), a P-parameter model, R rounds. Checks every committed aggregate against the exact
// weighted mean and every acknowledged update against the committed participants; reports the
// coordinator's heap after gc per round and its CPU and wall time per round.
// `npm run bench` runs the default size; `node bench/soak.mjs --full` runs 1,000 clients × 100,000 params
// × 50 rounds (SOAK_CLIENTS, SOAK_PER_ROUND, SOAK_PARAMS, SOAK_ROUNDS override either).
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode } from '../test/soak/bundle.mjs';
import { MB, fmt, median, table } from './_measure.mjs';

const FULL = process.argv.includes('--full') || process.env.SOAK_FULL === '1';
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? (FULL ? 1000 : 200));
const PER_ROUND = Number(process.env.SOAK_PER_ROUND ?? CLIENTS);
const PARAMS = Number(process.env.SOAK_PARAMS ?? (FULL ? 100_000 : 20_000));
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? (FULL ? 50 : 15));
const WARMUP = Math.min(5, Math.floor(ROUNDS / 3));

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'federa-soak-'));
  const [coordinatorJs, driverJs] = await Promise.all([
    bundleForNode('test/soak/soak-coordinator.ts', 'soak-coordinator'),
    bundleForNode('test/soak/driver/index.ts', 'soak-driver'),
  ]);
  const { startFleet } = await import(pathToFileURL(driverJs).href);
  const child = fork(coordinatorJs, [join(dir, 'store'), String(ROUNDS), String(PER_ROUND), String(PARAMS)], {
    execArgv: ['--expose-gc'],
    serialization: 'advanced',
  });
  const rounds = [];
  let verified;
  let listening;
  const done = new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`coordinator exited with ${code}`)),
    );
    child.on('message', (m) => {
      if (m.type === 'listening') listening?.(m);
      if (m.type === 'round') {
        rounds.push(m);
        process.stdout.write(
          `  round ${m.round}: ${fmt(m.durationMs, 0)} ms, heap ${fmt(m.heapUsed / MB)} MiB\n`,
        );
      }
      if (m.type === 'verified') verified = m;
    });
  });
  const { url, heapUsed: idleHeap } = await new Promise((resolve) => {
    listening = resolve;
  });
  const specs = [{ name: 'w', shape: [PARAMS / 100, 100], dtype: 'float32' }];
  const t0 = Date.now();
  const fleet = await startFleet({ url, count: CLIENTS, specs, runs: ['soak'] });
  const connectMs = Date.now() - t0;
  const t1 = Date.now();
  child.send({ type: 'start' });
  await done;
  const runMs = Date.now() - t1;
  const acked = fleet.clients.flatMap((c) => [...c.acked].map((t) => `${t.split('.').at(-3)}:${c.clientId}`));
  const errors = fleet.errorCounts();
  fleet.stop();
  await rm(dir, { recursive: true, force: true });

  const counted = new Set(verified.counted);
  const lost = acked.filter((k) => !counted.has(k)).length;
  const phantom = counted.size - (acked.length - lost);
  const afterWarmup = rounds.slice(WARMUP);
  const base = afterWarmup[0].heapUsed;
  const last = afterWarmup.at(-1).heapUsed;
  const peak = Math.max(...afterWarmup.map((r) => r.heapUsed));
  const growth = (last - base) / base;
  const wall = median(afterWarmup.map((r) => r.durationMs));
  const cpu = median(afterWarmup.map((r) => r.cpuMs));
  const mbPerRound = (PER_ROUND * PARAMS * 4) / MB;
  const summary = {
    clients: CLIENTS,
    perRound: PER_ROUND,
    params: PARAMS,
    rounds: verified.rounds,
    updatesAcked: acked.length,
    lost,
    phantom,
    maxError: verified.maxError,
    growth,
    errors,
  };
  console.log(summary);
  const ok = lost === 0 && phantom === 0 && verified.rounds === ROUNDS && verified.maxError < 1e-5;
  if (!ok) process.exitCode = 1;
  const markdown = [
    table(
      ['clients (per round)', 'params', 'rounds', 'updates acked', 'lost', 'max abs(aggregate − expected)'],
      [
        [
          `${CLIENTS} (${PER_ROUND})`,
          PARAMS.toLocaleString('en'),
          verified.rounds,
          acked.length.toLocaleString('en'),
          lost + phantom,
          verified.maxError.toExponential(1),
        ],
      ],
    ),
    '',
    table(
      [
        'connect all (s)',
        'run (s)',
        'round wall, median (ms)',
        'coordinator CPU / round, median (ms)',
        'CPU / update (ms)',
        'upload / round (MiB)',
      ],
      [
        [
          fmt(connectMs / 1000),
          fmt(runMs / 1000),
          fmt(wall, 0),
          fmt(cpu, 0),
          fmt(cpu / PER_ROUND, 2),
          fmt(mbPerRound, 0),
        ],
      ],
    ),
    '',
    table(
      [
        'heap idle (MiB)',
        `heap after round ${WARMUP + 1} (MiB)`,
        `heap after round ${ROUNDS} (MiB)`,
        'peak after warm-up (MiB)',
        'growth',
      ],
      [[fmt(idleHeap / MB), fmt(base / MB), fmt(last / MB), fmt(peak / MB), `${fmt(growth * 100)} %`]],
    ),
  ].join('\n');
  return {
    title: `Soak: ${CLIENTS} synthetic clients × ${PARAMS.toLocaleString('en')} params × ${ROUNDS} rounds`,
    markdown,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { title, markdown } = await run();
  console.log(`\n### ${title}\n\n${markdown}\n`);
}
