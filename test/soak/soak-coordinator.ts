// The coordinator of bench/soak.mjs, in its own process (node --expose-gc) so its heap and CPU are measured
// alone. Argv: <storePath> <rounds> <clientsPerRound> <params>. Reports over IPC; verifies the run at the end.
import { buildServer } from '@federa/server';
import { verifySyntheticRun } from './verify-run.js';

const [storePath, roundsArg, perRoundArg, paramsArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!storePath || !process.send || !gc)
  throw new TypeError('fork with --expose-gc: soak-coordinator <store> <rounds> <perRound> <params>');
const send = (m: unknown) => process.send?.(m);
const rounds = Number(roundsArg);
const perRound = Number(perRoundArg);
const params = Number(paramsArg);
const specs = [{ name: 'w', shape: [params / 100, 100], dtype: 'float32' as const }];

const server = await buildServer({ storePath, serving: false });
let cpu = process.cpuUsage();
server.events.on('round-committed', ({ round, durationMs }) => {
  const used = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  gc();
  send({
    type: 'round',
    round: round.round,
    participants: round.participants.length,
    durationMs,
    cpuMs: (used.user + used.system) / 1000,
    heapUsed: process.memoryUsage().heapUsed,
    rss: process.memoryUsage().rss,
  });
});
server.events.on('run-updated', (run) => {
  if (run.status !== 'completed') return;
  void (async () => {
    const check = await verifySyntheticRun(server.store, 'soak', specs);
    send({ type: 'verified', rounds: check.rounds, maxError: check.maxError, counted: [...check.counted] });
    await server.close();
    process.exit(0);
  })();
});
process.on('message', (m: { type: string }) => {
  if (m.type !== 'start') return;
  void (async () => {
    await server.coordinator.createRun({
      settings: {
        id: 'soak',
        rounds,
        clientsPerRound: perRound,
        minClients: perRound,
        roundTimeoutMs: 600_000,
      },
      topology: {},
      initial: { specs, weights: [new Float32Array(params)] },
    });
    cpu = process.cpuUsage();
    await server.coordinator.startRun('soak');
  })();
});
gc();
send({
  type: 'listening',
  url: await server.listen(0, '127.0.0.1'),
  heapUsed: process.memoryUsage().heapUsed,
});
