import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN } from '../cli/run-cli.js';

/** One `federa client join --json` process: its JSON events as they are printed, and its end. */
export interface JoinProcess {
  events: Array<{ event: string; [k: string]: unknown }>;
  stderr(): string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

/** Spawn `federa client join args… --json` against `url`. */
export function joinProcess(url: string, args: string[]): JoinProcess {
  const child = spawn(process.execPath, [BIN, 'client', 'join', '--server', url, '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: JoinProcess['events'] = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) events.push(JSON.parse(l));
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { events, stderr: () => err, exited, child };
}

/** A TCP port that was free a moment ago (for a coordinator restarted on the same port). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
