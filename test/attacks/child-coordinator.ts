import { type ChildProcess, fork } from 'node:child_process';
import type { DeviceKey } from '@federa/client';
import type { Role } from '@federa/server';
import { tempDir } from '../helpers/federation.js';
import { bundleForNode } from '../soak/bundle.mjs';
import { makeTestPki } from '../trust/pki.js';
import { type Reply, enrolVia, httpsJson, productionTokens } from './production.js';

/** The production coordinator of production.ts, in a child process whose memory the test can read. */
export interface ChildCoordinator {
  url: string;
  ca: string;
  tokens: Readonly<Record<Role, string>>;
  call(role: Role | undefined, method: string, path: string, body?: unknown): Promise<Reply>;
  /** Issue an enrolment token as admin and enrol a fresh device key for `clientId`. */
  enrol(clientId: string): Promise<DeviceKey>;
  /** `process.memoryUsage()` inside the child, after a full GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Create a run in the child (CreateRunInput of @federa/server, JSON-serialisable). */
  createRun(input: unknown): Promise<string>;
  /** True while the child process runs. */
  readonly alive: boolean;
  close(): Promise<void>;
}

let bundle: Promise<string> | undefined;

/**
 * Fork a coordinator with sha256-only tokens for all five roles, identity required and TLS, plus
 * `extra` buildServer options (JSON only). Run with --expose-gc so memory() reports live bytes.
 *
 * @example
 * const child = await startChildCoordinator();
 * const before = (await child.memory()).rss;
 */
export async function startChildCoordinator(extra: Record<string, unknown> = {}): Promise<ChildCoordinator> {
  bundle ??= bundleForNode('test/attacks/child/production-child.ts', 'attack-coordinator');
  const dir = await tempDir('federa-attack-child-');
  const pki = makeTestPki(dir.path);
  const { tokens, tokenConfig } = productionTokens();
  const options = {
    tokens: tokenConfig,
    identity: { required: true },
    tls: { cert: pki.serverCert, key: pki.serverKey },
    ...extra,
  };
  const child: ChildProcess = fork(await bundle, [dir.path, JSON.stringify(options)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    alive = false;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`attack coordinator exited early (${code})`)));
    child.once('message', (m: { type: string; url?: string }) => {
      if (m.type === 'listening' && m.url) resolve(m.url);
      else reject(new Error(`unexpected first message ${JSON.stringify(m)}`));
    });
  });
  let nextId = 0;
  const ask = <T>(message: Record<string, unknown>, answer: string, pick: (m: never) => T) =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      const onMessage = (m: { type: string; id?: number; message?: string }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        if (m.type === answer) resolve(pick(m as never));
        else reject(new Error(m.message ?? JSON.stringify(m)));
      };
      child.on('message', onMessage);
      child.send({ ...message, id });
    });
  const call: ChildCoordinator['call'] = (role, method, path, body) =>
    httpsJson(new URL(path, url), pki.caCert, method, role ? tokens[role] : undefined, body);
  return {
    url,
    ca: pki.caCert,
    tokens,
    call,
    enrol: (clientId) => enrolVia(call, url, pki.caCert, clientId),
    memory: () => ask({ type: 'memory' }, 'memory', (m: { usage: NodeJS.MemoryUsage }) => m.usage),
    createRun: (input) => ask({ type: 'create-run', input }, 'created', (m: { runId: string }) => m.runId),
    get alive() {
      return alive;
    },
    async close() {
      if (alive) {
        child.send({ type: 'close' });
        await exited;
      }
      await dir.remove();
    },
  };
}
