import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** A static file server for a built page on 127.0.0.1:0: the page's own origin. */
export interface StaticSite {
  origin: string;
  /** Paths requested, in order (404s included). */
  requests: string[];
  close(): Promise<void>;
}

/** Serve `dir` as a static host would; `headers` go on every response (e.g. COOP/COEP). */
export async function serveStatic(dir: string, headers: Record<string, string> = {}): Promise<StaticSite> {
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** Run `node script args…` to completion; rejects with its output when it fails. */
export function runNode(script: string, args: string[], cwd = process.cwd()): Promise<string> {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((done, fail) =>
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${script} exited ${code}\n${out}`)),
    ),
  );
}
