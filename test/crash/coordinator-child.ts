// A coordinator in its own process, for the crash test: the parent kills it with SIGKILL and starts it
// again on the same store and port. Argv: <storePath> <port> <chunkBytes>. Talks to the parent over IPC.
import { buildServer } from '@federa/server';

const [storePath, portArg, chunkArg] = process.argv.slice(2);
if (!storePath || !process.send)
  throw new TypeError('usage (forked): coordinator-child <store> <port> <chunkBytes>');
const send = (message: unknown) => process.send?.(message);

const server = await buildServer({ storePath, chunkBytes: Number(chunkArg), serving: false });
const { events, coordinator } = server;
events.on('round-started', (e) => send({ type: 'round-started', round: e.round, attempt: e.attempt }));
events.on('update-accepted', (e) => send({ type: 'update-accepted', round: e.round, clientId: e.clientId }));
events.on('round-committed', (e) =>
  send({ type: 'round-committed', round: e.round.round, version: e.version.version }),
);
events.on('run-updated', (r) =>
  send({ type: 'run-updated', status: r.status, completedRounds: r.completedRounds }),
);

process.on('message', (m: { type: string; input?: never; runId?: string }) => {
  void (async () => {
    if (m.type === 'create-and-start' && m.input) {
      const run = await coordinator.createRun(m.input);
      await coordinator.startRun(run.settings.id);
    }
    if (m.type === 'close') {
      await server.close();
      send({ type: 'closed' });
      process.exit(0);
    }
  })().catch((err: unknown) => send({ type: 'error', message: String(err) }));
});

const url = await server.listen(Number(portArg), '127.0.0.1');
send({ type: 'listening', url });
