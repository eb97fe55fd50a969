import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { type DeviceKey, MemoryKeyStore, enrolDevice, loadOrCreateDeviceKey } from '@federa/client';
import {
  type BuildServerOptions,
  type FederaServer,
  ROLES,
  type Role,
  type TokenConfig,
  hashToken,
} from '@federa/server';
import { startServer, tempDir } from '../helpers/federation.js';
import { type TestPki, makeTestPki } from '../trust/pki.js';

/** A REST reply: status and parsed JSON body (undefined when empty or not JSON). */
// biome-ignore lint/suspicious/noExplicitAny: attack tests read arbitrary JSON replies.
export type Reply = { status: number; body: any; text: string };

/** A coordinator set up as docs/identity.md "Turning it on" recommends, on 127.0.0.1 port 0. */
export interface ProductionCoordinator {
  server: FederaServer;
  /** https:// base URL. */
  url: string;
  /** The test CA the server certificate chains to: pass it as `ca` to socket.io, FederaClient, RawClient. */
  ca: string;
  /** Plaintext bearer token per role; the server was given only their sha256 digests. */
  tokens: Readonly<Record<Role, string>>;
  /** REST call as `role` (anonymous when undefined), trusting the test CA. */
  call(role: Role | undefined, method: string, path: string, body?: unknown): Promise<Reply>;
  /** Issue an enrolment token as admin (scoped to `runs` when given) and enrol a fresh device key for `clientId`. */
  enrol(clientId: string, algorithm?: DeviceKey['algorithm'], runs?: string[]): Promise<DeviceKey>;
  close(): Promise<void>;
}

/**
 * The production configuration every attack test runs against: sha256-only tokens for all five
 * roles, `identity: { required: true }`, HTTPS + WSS from a throwaway CA. `extra` adds or overrides
 * buildServer options (e.g. `identity: undefined` for "tokens but no identity").
 *
 * @example
 * const prod = await startProductionCoordinator();
 * expect((await prod.call(undefined, 'GET', '/api/runs')).status).toBe(401);
 */
export async function startProductionCoordinator(
  extra: Partial<BuildServerOptions> = {},
): Promise<ProductionCoordinator> {
  const dir = await tempDir('federa-attack-');
  const pki: TestPki = makeTestPki(dir.path);
  const { tokens, tokenConfig } = productionTokens();
  const { server, url } = await startServer({
    storePath: `${dir.path}/store`,
    tokens: tokenConfig,
    identity: { required: true },
    tls: { cert: pki.serverCert, key: pki.serverKey },
    ...extra,
  });
  const call = (role: Role | undefined, method: string, path: string, body?: unknown) =>
    httpsJson(new URL(path, url), pki.caCert, method, role ? tokens[role] : undefined, body);
  return {
    server,
    url,
    ca: pki.caCert,
    tokens,
    call,
    async enrol(clientId, algorithm = 'Ed25519', runs) {
      return enrolVia(call, url, pki.caCert, clientId, algorithm, runs);
    },
    async close() {
      await server.close();
      await dir.remove();
    },
  };
}

/** Issue an enrolment token (scoped to `runs` when given) through `call` as admin and enrol a fresh device key for `clientId`. */
export async function enrolVia(
  call: ProductionCoordinator['call'],
  url: string,
  ca: string,
  clientId: string,
  algorithm: DeviceKey['algorithm'] = 'Ed25519',
  runs?: string[],
): Promise<DeviceKey> {
  const issued = await call('admin', 'POST', '/api/enrolment-tokens', {
    clientId,
    ...(runs ? { runs } : {}),
  });
  if (issued.status !== 201) throw new Error(`enrolment token: HTTP ${issued.status} ${issued.text}`);
  const key = await loadOrCreateDeviceKey(new MemoryKeyStore(), clientId, algorithm);
  await enrolDevice({ url, token: issued.body.token, clientId, key, fetch: caFetch(ca) });
  return key;
}

/** A random plaintext token per role, and the sha256-only configuration the server is given. */
export function productionTokens(): { tokens: Record<Role, string>; tokenConfig: TokenConfig[] } {
  const tokens = Object.fromEntries(ROLES.map((r) => [r, `${r}-${randomBytes(16).toString('hex')}`]));
  return {
    tokens: tokens as Record<Role, string>,
    tokenConfig: ROLES.map((role) => ({ role, sha256: hashToken(tokens[role]!) })),
  };
}

/** JSON over https trusting `ca` (Node's fetch cannot take a CA without undici). */
export function httpsJson(
  url: URL,
  ca: string,
  method: string,
  bearer?: string,
  body?: unknown,
): Promise<Reply> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A `fetch` for SDK calls (enrolDevice) that trusts `ca`; JSON bodies only. */
export function caFetch(ca: string): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    const reply = await httpsJson(
      url,
      ca,
      init?.method ?? 'GET',
      headers.get('authorization')?.replace(/^Bearer /, ''),
      typeof init?.body === 'string' ? init.body : undefined,
    );
    return new Response(reply.text, {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
}
