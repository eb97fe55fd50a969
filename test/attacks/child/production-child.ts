// A production-configured coordinator in its own process, so attack tests measure its memory apart from
// the test runner's. Argv: <dir> <options JSON>. Talks to the parent over IPC (see ../child-coordinator.ts).
import { writeFileSync } from 'node:fs';
import { type BuildServerOptions, buildServer } from '@federa/server';

const [dir, optionsJson] = process.argv.slice(2);
if (!dir || !optionsJson || !process.send)
  throw new TypeError('usage (forked): production-child <dir> <json>');
const options = JSON.parse(optionsJson) as BuildServerOptions;
const send = (message: unknown) => process.send?.(message);
const server = await buildServer({ ...options, storePath: `${dir}/store` });

/** After a full GC when --expose-gc is on, so the figure is what the coordinator still holds. */
function memory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

process.on('message', (m: { type: string; id?: number; input?: never }) => {
  void (async () => {
    if (m.type === 'memory') send({ type: 'memory', id: m.id, usage: memory() });
    if (m.type === 'create-run' && m.input) {
      const run = await server.coordinator.createRun(m.input);
      send({ type: 'created', id: m.id, runId: run.settings.id });
    }
    if (m.type === 'close') {
      await server.close();
      process.exit(0);
    }
  })().catch((err: unknown) => send({ type: 'error', id: m.id, message: String(err) }));
});

const url = await server.listen(0, '127.0.0.1');
writeFileSync(`${dir}/url`, url);
send({ type: 'listening', url });
