import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against package sources, so `npm test` never depends on a stale dist/.
export default defineConfig({
  resolve: {
    alias: {
      '@federa/protocol': src('protocol'),
      '@federa/core': src('core'),
      '@federa/server': src('server'),
      '@federa/client/node': fileURLToPath(new URL('./packages/client/src/node.ts', import.meta.url)),
      '@federa/client/wasm-files': fileURLToPath(
        new URL('./packages/client/src/wasm-files.ts', import.meta.url),
      ),
      '@federa/client': src('client'),
      '@federa/cli': src('cli'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/temp-root.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on sockets, child processes and timers, so one fork per core keeps the cores busy
    // (vitest's default, cores - 1, runs the 2-core CI serially: 1,278 s against 868 s with 2).
    maxWorkers: Math.max(2, availableParallelism()),
    minWorkers: Math.max(2, availableParallelism()),
  },
});
