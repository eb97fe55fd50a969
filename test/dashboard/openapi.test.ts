import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from './full-server.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
// Not REST: static pages, the SSE stream, Prometheus text and the docs themselves.
const NOT_REST = /^\/(dashboard(\/.*)?|docs(\/json)?|metrics)$/;

/** fastify's URL syntax to OpenAPI's: `:m(regex)` -> `{m}`, `::` -> `:`, `*` -> `{*}`. */
function openapiPath(url: string): string {
  return url
    .replace(/::/g, '\0')
    .replace(/:(\w+)(\([^)]*\))?/g, '{$1}')
    .replace(/\*$/, '{*}')
    .replace(/\0/g, ':');
}

let server: FullServer;
beforeAll(async () => {
  server = await startFullServer();
});
afterAll(async () => server?.close());

describe('OpenAPI document', () => {
  it('is OpenAPI 3 where every path has operations with responses and declared path parameters', async () => {
    const res = await fetch(`${server.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          { responses?: Record<string, unknown>; parameters?: Array<{ in: string; name: string }> }
        >
      >;
    };
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    for (const [path, ops] of Object.entries(doc.paths)) {
      const methods = Object.keys(ops).filter((m) => METHODS.includes(m));
      expect(methods.length, path).toBeGreaterThan(0);
      for (const m of methods) {
        expect(Object.keys(ops[m]!.responses ?? {}).length, `${m} ${path}`).toBeGreaterThan(0);
        const declared = (ops[m]!.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        const inPath = [...path.matchAll(/\{([\w*]+)\}/g)].map((x) => x[1]!).sort();
        expect(declared, `${m} ${path} path parameters`).toEqual(inPath);
      }
    }
  });

  it('lists every REST route registered on the app, and hides only non-REST ones', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, object> };
    const rest = server.routes.filter(
      (r) => r.method !== 'HEAD' && !NOT_REST.test(r.url) && !r.url.startsWith('/dashboard/assets'),
    );
    expect(rest.length).toBeGreaterThan(20);
    const missing = rest.filter((r) => {
      const path = openapiPath(r.url);
      return !(doc.paths[path] && r.method.toLowerCase() in doc.paths[path]!);
    });
    expect(missing).toEqual([]);
    const hidden = server.routes.filter((r) => r.hidden && r.method !== 'HEAD').map((r) => r.url);
    expect(hidden.every((u) => NOT_REST.test(u) || u.startsWith('/dashboard/'))).toBe(true);
    expect(rest.some((r) => r.url === '/api/runs/:id/feature-stats')).toBe(true);
  });

  it('serves an HTML index of the operations at /docs', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('/api/runs/{id}/start');
    expect(html).toContain('/v2/models/{m}/infer');
  });
});
