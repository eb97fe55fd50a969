import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve('packages/cli/dist/bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `federa args…` as a real process (async, so an in-process coordinator keeps serving). */
export function federa(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    FEDERA_URL: undefined,
    FEDERA_TOKEN: undefined,
    FEDERA_RUN: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: env as NodeJS.ProcessEnv,
    cwd: opts.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, stdout, stderr })));
}

/** Deterministic small CSV: y = 1 when f1 + f2 > 0; c is categorical. */
export function tinyCsv(rows: number, offset: number): string {
  const lines = ['f1,f2,c,y'];
  for (let i = 0; i < rows; i++) {
    const f1 = Math.sin(3 * i + offset).toFixed(3);
    const f2 = Math.cos(5 * i + 2 * offset).toFixed(3);
    lines.push(`${f1},${f2},${['x', 'y', 'z'][i % 3]},${Number(f1) + Number(f2) > 0 ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An IDX file (the MNIST distribution format) of unsigned bytes: type 0x08, big-endian dims. */
export function idxBytes(dims: number[], values: number[]): Buffer {
  const bytes = Buffer.alloc(4 + 4 * dims.length + values.length);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  for (const [i, d] of dims.entries()) bytes.writeUInt32BE(d, 4 + 4 * i);
  for (const [i, v] of values.entries()) bytes[4 + 4 * dims.length + i] = v;
  return bytes;
}

/** `federa server start --port 0 --json …` as a real process, resolved once it prints its URL. */
export async function serverProcess(args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'server', 'start', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extraEnv },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    /** SIGKILL, for a test whose process did not stop on SIGTERM. */
    kill: () => child.kill('SIGKILL'),
  };
}
