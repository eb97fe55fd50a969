import type { DeviceKey } from '@federa/client';
import type { EnvelopeBody } from '@federa/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBodies } from '../../packages/protocol/src/test-support/examples.js';
import {
  ATTACK_TARGETS,
  type AttackTarget,
  expectStillServing,
  productionTarget,
} from '../attacks/targets.js';
import { tinyTopology } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';
import { parseRouteTree } from './rest-routes.js';

// Issue 11 done-when 2: every name-like field of every REST body and socket message, set to a name that
// a plain object inherits from Object.prototype (or sets its prototype with); the process must stay whole.
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const CODE = /^FEDERA_ERR_[A-Z0-9]+_[A-Z0-9_]+$/;

/** Bodies with the name-like fields of the REST API (run, strategy, enrolment, labels, features, inference). */
const sampleBodies = (): readonly unknown[] => [
  {
    id: 'fuzz',
    topology: tinyTopology(),
    settings: { strategy: { name: 'fedavg' }, rounds: 1, secureAggregation: { metrics: ['loss'] } },
  },
  { clientId: 'site-a', note: 'n', role: 'client' },
  { token: 't', clientId: 'site-a', publicKey: 'AA==', algorithm: 'Ed25519' },
  { version: 0, label: 'production', reason: 'r' },
  { stable: { version: 0 }, canary: { version: 0, weight: 0.1 }, shadow: { version: 0 } },
  {
    clientId: 'site-a',
    summary: {
      rows: 2,
      numeric: { age: { count: 2, sum: 1, sumSq: 1 } },
      categorical: { city: { a: 1 } },
      labels: { x: 1 },
    },
  },
  {
    inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: Array(8).fill(0.5) }],
    outputs: [{ name: 'out' }],
  },
  {
    instances: [Array(8).fill(0.5)],
    signature_name: 'serving_default',
    inputs: { input: [Array(8).fill(0.5)] },
  },
  { metric: 'accuracy', value: 1, metrics: { accuracy: 1 }, stats: { accuracy: { mean: 1 } } },
];

/** JSON text of `value` with every string replaced by `name`. */
function stringsAs(value: unknown, name: string): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'string' ? name : v));
}

/** JSON text of `value` with `name` added as a key of every object (its value a copy of a sibling's), and every key renamed to it once. */
function keysAs(value: unknown, name: string): string {
  const key = JSON.stringify(name);
  const walk = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(walk).join(',')}]`;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${walk(x)}`);
    const first = Object.values(v)[0];
    return `{${[...entries, `${key}:${first === undefined ? '1' : walk(first)}`].join(',')}}`;
  };
  return walk(value);
}

/** Every string of a protocol message set to `name`, and `name` added to its string maps (metrics, extra). */
function messageAs(body: EnvelopeBody, name: string): EnvelopeBody {
  const walk = (v: unknown, inMap: boolean): unknown => {
    if (typeof v === 'string') return name;
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v))
      out[k] = k === 'kind' ? x : walk(x, k === 'metrics' || k === 'extra');
    if (inMap) Object.defineProperty(out, name, { value: 1, enumerable: true, writable: true });
    return { ...out };
  };
  return walk(body, false) as EnvelopeBody;
}

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

// The socket half enrols every prototype name and a fresh client: more than identity's default 10
// enrolments per minute from one address when the run is fast, so the production target allows more.
const FUZZ_TARGETS = ATTACK_TARGETS.map(([name, start]) =>
  name === 'production'
    ? ([name, () => productionTarget({ identity: { required: true, enrolPerMinute: 1000 } })] as const)
    : ([name, start] as const),
);

describe.each(FUZZ_TARGETS)(
  'prototype-named strings in every REST body and socket message (%s)',
  (_name, start) => {
    let target: AttackTarget;
    beforeAll(async () => {
      target = await start();
      const created = await target.call('researcher', 'POST', '/api/runs', {
        id: 'tiny',
        topology: tinyTopology(),
      });
      expect(created.status, created.text).toBe(201);
    });
    afterAll(() => target?.close());

    it('answers every REST route with a typed reply, never a 500', async () => {
      const app: FastifyInstance = target.server.app;
      const routes = parseRouteTree(app.printRoutes({ commonPrefix: false })).filter(
        (r) => r.path !== '*' && r.path !== '/dashboard/events' && r.method !== 'HEAD',
      );
      const admin = target.tokens ? { authorization: `Bearer ${target.tokens.admin}` } : {};
      const samples = sampleBodies();
      const bad: string[] = [];
      let sent = 0;
      for (const route of routes) {
        for (const name of PROTO_NAMES) {
          // Path parameters: the prototype name itself, and real ids so the body reaches its handler.
          const urls = [name, 'tiny'].map((id) =>
            route.path.replace(
              /:[A-Za-z_]\w*(\([^)]*\))?/g,
              id === 'tiny' && route.path.includes(':v') ? '0' : encodeURIComponent(id),
            ),
          );
          const fixed = urls.map((u) =>
            u.replace('/versions/tiny', '/versions/0').replace('/labels/tiny', '/labels/production'),
          );
          const bodies =
            route.method === 'GET' || route.method === 'DELETE'
              ? [undefined]
              : samples.flatMap((b) => [stringsAs(b, name), keysAs(b, name)]);
          for (const url of fixed) {
            for (const payload of bodies) {
              const res = await app.inject({
                method: route.method as 'GET',
                url: `${url}?${encodeURIComponent(name)}=${encodeURIComponent(name)}`,
                headers: { ...admin, ...(payload ? { 'content-type': 'application/json' } : {}) },
                ...(payload ? { payload } : {}),
              });
              sent++;
              if (res.statusCode < 400) continue;
              let reply: { code?: unknown; retryable?: unknown } = {};
              try {
                reply = JSON.parse(res.body);
              } catch {}
              const typed = typeof reply.code === 'string' && CODE.test(reply.code);
              const unavailable = res.statusCode === 503 && reply.retryable === true;
              if (!typed || (res.statusCode >= 500 && !unavailable))
                bad.push(
                  `${route.method} ${url} ${payload?.slice(0, 80) ?? ''} → ${res.statusCode} ${res.body.slice(0, 100)}`,
                );
            }
          }
        }
      }
      expect(sent).toBeGreaterThan(1000);
      expect(bad.slice(0, 20)).toEqual([]);
    });

    it('answers every socket message kind with prototype-named fields, and stays healthy', async () => {
      const welcomedNames: string[] = [];
      for (const name of PROTO_NAMES) {
        // Production: the name is enrolled first (or its enrolment refused, typed) and the hello signed.
        let key: DeviceKey | undefined;
        if (target.enrol) key = await target.enrol(name).catch(() => undefined);
        const { raw, nonce } = await RawClient.open(target.url, target.ca ? { ca: target.ca } : {});
        await raw.send({ kind: 'hello', hello: await RawClient.hello(name, nonce, key) });
        const welcomed = await raw.next('welcome', 5_000).then(
          () => true,
          () => false,
        );
        expect(welcomed || !key).toBe(true);
        if (welcomed) {
          welcomedNames.push(name);
          for (const body of exampleBodies) {
            if (body.kind === 'hello') continue;
            await raw.send(messageAs(body, name)).catch(() => undefined); // some mutants do not encode
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        for (const b of raw.received) if (b.kind === 'error') expect(b.error.code).toMatch(CODE);
        raw.close();
      }
      // The socket half is not vacuous: prototype-named clients get in and send every message kind.
      expect(welcomedNames).toContain('constructor');
      // Health: Object.prototype untouched, a run is created, inference answers, a fresh client connects.
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      expect(typeof Object.keys).toBe('function');
      await expectStillServing(target, 'healthy', 'fresh-client');
    });
  },
);
