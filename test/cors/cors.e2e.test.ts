import { FEDERA_EVENT } from '@federa/protocol';
import { type FederaServer, buildServer } from '@federa/server';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionCoordinator } from '../attacks/production.js';
import { federa } from '../cli/run-cli.js';
import { startServer, tempDir } from '../helpers/federation.js';

const PAGE = 'http://127.0.0.1:5173';
const OTHER = 'http://evil.example';

/** Open a socket as a browser page on `origin` would (Node sends no Origin unless told). */
function socketFrom(url: string, origin: string | undefined, ca?: string): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      ...(origin ? { extraHeaders: { origin } } : {}),
      ...(ca ? { ca } : {}),
    });
    socket.on(FEDERA_EVENT, () => undefined);
    socket.on('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.on('connect_error', (err) => {
      socket.close();
      resolve(err.message);
    });
  });
}

const preflight = (url: string, path: string, origin: string, method = 'POST') =>
  fetch(new URL(path, url), {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS: none by default', () => {
  let server: FederaServer;
  let url: string;
  beforeAll(async () => ({ server, url } = await startServer()));
  afterAll(() => server?.close());

  it('answers a cross-origin preflight with no CORS headers and refuses the page its socket', async () => {
    const res = await preflight(url, '/api/runs/r1/feature-stats', PAGE);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${url}/api/runs`, { headers: { origin: PAGE } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(await socketFrom(url, PAGE)).not.toBe('connected');
    // A client without an Origin header (Node, the CLI) is unaffected.
    expect(await socketFrom(url, undefined)).toBe('connected');
  });
});

describe('CORS with allowed origins', () => {
  let server: FederaServer;
  let url: string;
  beforeAll(async () => ({ server, url } = await startServer({ cors: { origins: [PAGE] } })));
  afterAll(() => server?.close());

  it('answers preflights of the routes a client page calls, never allowing credentials', async () => {
    for (const [path, method] of [
      ['/api/runs/r1/feature-stats', 'POST'],
      ['/api/runs/r1', 'GET'],
      ['/api/clients/enrol', 'POST'],
      ['/v2/models/r1/infer', 'POST'],
    ] as const) {
      const res = await preflight(url, path, PAGE, method);
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
      expect(res.headers.get('access-control-allow-methods')).toContain(method);
      expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toContain('origin');
    }
  });

  it('names the page on real responses, typed errors included, and nothing for other origins', async () => {
    const ok = await fetch(`${url}/api/runs`, { headers: { origin: PAGE } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    const missing = await fetch(`${url}/api/runs/nope`, { headers: { origin: PAGE } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('FEDERA_ERR_RUN_NOT_FOUND');
    expect(missing.headers.get('access-control-allow-origin')).toBe(PAGE);
    for (const origin of [OTHER, 'null', '__proto__', 'constructor', `${PAGE}/`, 'http://127.0.0.1:51730']) {
      const res = await fetch(`${url}/api/runs`, { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(
        (await preflight(url, '/api/runs', origin)).headers.get('access-control-allow-origin'),
      ).toBeNull();
    }
  });

  it('lets the allowed page open a socket and refuses every other page', async () => {
    expect(await socketFrom(url, PAGE)).toBe('connected');
    for (const origin of [OTHER, 'null', 'constructor', 'http://localhost:5173'])
      expect(await socketFrom(url, origin), origin).not.toBe('connected');
    // The process is still healthy: a client and a page connect after the refusals.
    expect(await socketFrom(url, undefined)).toBe('connected');
    expect(await socketFrom(url, PAGE)).toBe('connected');
  });

  it("sends socket.io's CORS headers on the polling transport for the allowed page only", async () => {
    const handshake = (origin: string) =>
      fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const allowed = await handshake(PAGE);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await handshake(OTHER)).status).toBe(403);
  });
});

describe('CORS configuration', () => {
  it('refuses an entry that is not an origin before opening the store', async () => {
    const dir = await tempDir();
    for (const bad of [`${PAGE}/`, `${PAGE}/app`, 'app.example.org', 'ftp://example.org', ''])
      await expect(buildServer({ storePath: dir.path, cors: { origins: [bad] } }), bad).rejects.toThrow(
        TypeError,
      );
    // Nothing was left locked: the same store opens.
    const server = await buildServer({ storePath: dir.path, cors: { origins: ['*'] } });
    await server.close();
    await dir.remove();
  });
});

describe('federa server start --cors-origin', () => {
  it('refuses an entry that is not an origin with one line, before opening anything', async () => {
    const dir = await tempDir();
    const result = await federa([
      'server',
      'start',
      '--port',
      '0',
      '--store',
      dir.path,
      '--cors-origin',
      `${PAGE}/`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /--cors-origin: "http:\/\/127\.0\.0\.1:5173\/" is not an origin; write scheme:\/\/host\[:port\]/,
      ),
    ]);
    await dir.remove();
  });
});

describe('CORS in the production configuration (tokens, identity, HTTPS/WSS)', () => {
  it('still needs the bearer token from an allowed page; the preflight needs none', async () => {
    const prod = await startProductionCoordinator({ cors: { origins: [PAGE] } });
    try {
      const { request } = await import('node:https');
      const head = (method: string, path: string, headers: Record<string, string>) =>
        new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
          const req = request(new URL(path, prod.url), { method, ca: prod.ca, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          });
          req.on('error', reject);
          req.end();
        });
      const pre = await head('OPTIONS', '/api/runs', {
        origin: PAGE,
        'access-control-request-method': 'GET',
      });
      expect(pre.status).toBe(204);
      const anonymous = await head('GET', '/api/runs', { origin: PAGE });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['access-control-allow-origin']).toBe(PAGE);
      const viewer = await head('GET', '/api/runs', {
        origin: PAGE,
        authorization: `Bearer ${prod.tokens.viewer}`,
      });
      expect(viewer.status).toBe(200);
      expect(await socketFrom(prod.url, PAGE, prod.ca)).toBe('connected');
      expect(await socketFrom(prod.url, OTHER, prod.ca)).not.toBe('connected');
    } finally {
      await prod.close();
    }
  });
});
