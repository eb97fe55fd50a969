import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';

const EXAMPLE = resolve('examples/hospitals-tabular');
const BIN = resolve('packages/cli/dist/bin.js');

/** The shell commands of the README's ```sh blocks, one per line. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim()),
  );
}

function start(
  line: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: Promise<{ code: number; out: string }> } {
  const script = `federa() { node ${JSON.stringify(BIN)} "$@"; }\n${line.replace(/node (generate|compare)\.mjs/, `node ${EXAMPLE}/$1.mjs`)}`;
  const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    output: new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, out }))),
  };
}

describe('examples/hospitals-tabular from its README', () => {
  let server: FullServer;
  let work: string;
  beforeAll(async () => {
    if (!existsSync(BIN))
      throw new Error(
        'build first: npx tsc -p packages/<pkg>/tsconfig.build.json (core, protocol, server, client, cli)',
      );
    server = await startFullServer();
    work = await mkdtemp(join(tmpdir(), 'federa-hospitals-'));
  });
  afterAll(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('trains with three client processes and reports federated vs local-only vs pooled accuracy', async () => {
    const commands = readmeCommands();
    // The coordinator is the test's (same plugins as buildServer once wired); setup lines are the test's job.
    const skipped = /^(npm run build|alias |cd |export FEDERA_URL=|federa server start)/;
    expect(commands.filter((c) => c.startsWith('federa client join'))).toHaveLength(3);
    const env = { ...process.env, FEDERA_URL: server.url };
    const clients: Array<Promise<{ code: number; out: string }>> = [];
    let comparison = '';
    for (const line of commands.filter((c) => !skipped.test(c))) {
      const run = start(line, work, env);
      if (line.startsWith('federa client join')) {
        clients.push(run.output);
        continue;
      }
      const { code, out } = await run.output;
      expect(code, `${line}\n${out}`).toBe(0);
      if (line.includes('compare.mjs')) comparison = out;
    }
    for (const result of await Promise.all(clients)) {
      expect(result.code, result.out).toBe(0);
      expect(result.out).toMatch(/encoded \d+ rows as 9 inputs/);
      expect(result.out).toContain('run hospitals completed after 20 rounds');
      expect(result.out).toMatch(/\] secagg/);
    }
    const run = (await (await fetch(`${server.url}/api/runs/hospitals`)).json()) as {
      settings: Record<string, unknown>;
    };
    expect(run.settings['secureAggregation']).toBeDefined();
    const rows = Object.fromEntries(
      comparison
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| model'))
        .map((l) =>
          l
            .split('|')
            .map((c) => c.trim())
            .filter(Boolean),
        )
        .map(([model, all]) => [model!.split(' (')[0]!, Number(all)]),
    );
    console.log(comparison);
    expect(rows['federated']).toBeGreaterThan(0.72);
    expect(rows['federated']).toBeGreaterThan(rows['local-only']! - 0.03);
    expect(Math.abs(rows['federated']! - rows['pooled']!)).toBeLessThan(0.05);
  }, 240_000);
});
