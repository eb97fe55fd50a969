import {
  type Envelope,
  type EnvelopeBody,
  FEDERA_EVENT,
  encodeEnvelope,
  envelope,
  toFrames,
  PROTOCOL_VERSION,
} from '@federa/protocol';
import type { TensorSpec } from '@federa/core';
import { initTfBackend, initialWeightsFor } from '@federa/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeBody } from '../../packages/protocol/src/test-support/arbitraries.js';
import { exampleBodies } from '../../packages/protocol/src/test-support/examples.js';
import { startServer, tinyTopology, waitFor } from '../helpers/federation.js';
import { startFleet } from '../soak/driver/index.js';
import { verifySyntheticRun } from '../soak/verify-run.js';
import { gatewayFrames, wrongTypes } from './frame-mutations.js';
import { FuzzSocket, type ReplyTally } from './fuzz-socket.js';
import { type FuzzRequest, parseRouteTree, routeRequests } from './rest-routes.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_122);
const SOCKET_MESSAGES = 70_000;
const REST_REQUESTS = 32_000;
const SOCKETS = 6;
const BATCH = 500;
const ROUND_MS = 12_000;
const ADMIN = 'fuzz-admin-0123456789';
const VIEWER = 'fuzz-viewer-0123456789';
const CLIENT = 'fuzz-client-0123456789';
const CODE = /^FEDERA_ERR_[A-Z0-9]+_[A-Z0-9_]+$/;
const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

describe(`fuzzing every socket event and REST route during a run (FUZZ_SEED=${SEED})`, () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  it('answers ≥100,000 hostile messages with typed errors and still commits the exact aggregate', async () => {
    await initTfBackend();
    const topology = tinyTopology();
    const initial = await initialWeightsFor(topology);
    const { server, url } = await startServer({
      tokens: [
        { token: ADMIN, role: 'admin' },
        { token: VIEWER, role: 'viewer' },
        { token: CLIENT, role: 'client' },
      ],
      streamIdleMs: 1_000,
      // Rate limits would refuse most of the blast before it reaches the decoders under test.
      ...({ rateLimit: false } as object),
    });
    cleanup.push(() => server.close());
    const fleet = await startFleet({
      url,
      count: 3,
      specs: initial.specs,
      prefix: 'syn',
      runs: ['fuzzrun'],
      token: CLIENT,
    });
    cleanup.push(() => fleet.stop());
    await server.coordinator.createRun({
      // Fuzz sockets are sampled too and never answer: each round lasts its deadline, keeping the run live.
      settings: { id: 'fuzzrun', rounds: 3, clientsPerRound: 50, minClients: 3, roundTimeoutMs: ROUND_MS },
      topology,
      initial,
    });
    const commitTimes: number[] = [];
    server.events.on('round-committed', () => commitTimes.push(Date.now()));
    const fuzzStart = Date.now();
    await server.coordinator.startRun('fuzzrun');

    const seeds = await seedEncodings(initial.specs);
    const frames = gatewayFrames(
      seeds,
      envelopeBody.map((b) => encodeEnvelope(envelope(b))),
    );
    const tally: ReplyTally = { codes: new Map(), kinds: new Map(), undecodable: 0 };
    const socketStats = { sent: 0, batches: 0, reconnects: 0 };
    const socketJobs = Array.from({ length: SOCKETS }, (_, k) =>
      fuzzSocketJob(url, k, frames, tally, socketStats, SOCKET_MESSAGES / SOCKETS),
    );
    const rest = fuzzRest(server.app, SEED);
    await Promise.all([...socketJobs, rest.done]);
    const fuzzEnd = Date.now();

    await waitFor(
      async () => (await server.coordinator.getRun('fuzzrun')).status === 'completed',
      3 * ROUND_MS + 30_000,
    );
    const check = await verifySyntheticRun(server.store, 'fuzzrun', initial.specs);
    const rounds = await server.store.listRounds('fuzzrun');
    const codes = Object.fromEntries(tally.codes);
    console.log({
      seed: SEED,
      socketMessages: socketStats.sent,
      restRequests: rest.stats.sent,
      seconds: (fuzzEnd - fuzzStart) / 1000,
      reconnects: socketStats.reconnects,
      distinctCodes: tally.codes.size,
      kinds: Object.fromEntries(tally.kinds),
      restStatuses: rest.stats.statuses,
    });

    expect(unhandled).toEqual([]);
    expect(socketStats.sent + rest.stats.sent).toBeGreaterThanOrEqual(100_000);
    expect(tally.undecodable).toBe(0);
    expect(socketStats.reconnects).toBeGreaterThanOrEqual(1);
    for (const code of Object.keys(codes)) expect(code).toMatch(CODE);
    expect(tally.codes.size).toBeGreaterThanOrEqual(10);
    // Anything not an error is a message the protocol allows the server to send.
    for (const kind of tally.kinds.keys())
      expect(['challenge', 'welcome', 'task', 'model', 'ack', 'runEnded']).toContain(kind);
    expect(
      rest.stats.badReplies.map((b) => `${b.req.method} ${b.req.url.slice(0, 60)} → ${b.status} ${b.body}`),
    ).toEqual([]);
    // The run was live during the fuzz, and its aggregate is exactly the honest clients' weighted mean.
    expect(commitTimes.some((t) => t > fuzzStart && t < fuzzEnd)).toBe(true);
    expect(check.rounds).toBe(3);
    expect(check.maxError).toBeLessThan(1e-6);
    for (const r of rounds)
      expect(r.participants.map((p) => p.clientId).sort()).toEqual(['syn-0', 'syn-1', 'syn-2']);
    expect(fleet.errorCounts()).toEqual({});
  }, 240_000);
});

/** Valid encodings of every envelope kind, a live-layout update and its chunk frames: the mutation seeds. */
async function seedEncodings(specs: readonly TensorSpec[]): Promise<Uint8Array[]> {
  const update: EnvelopeBody = {
    kind: 'update',
    update: {
      taskId: 'fuzzrun.1.1.0011223344556677',
      runId: 'fuzzrun',
      round: 1,
      baseVersion: 0,
      numExamples: 5,
      metrics: { train_loss: 1 },
      tensors: specs.map((s) => ({
        name: s.name,
        shape: [...s.shape],
        dtype: 'float32' as const,
        data: new Uint8Array(4 * s.shape.reduce((a, b) => a * b, 1)),
      })),
    },
  };
  const modelRequest: EnvelopeBody = {
    kind: 'modelRequest',
    modelRequest: { runId: 'fuzzrun', modelVersion: 0 },
  };
  const bodies = [...exampleBodies, update, modelRequest];
  const whole = bodies.map((b) => encodeEnvelope({ protocolVersion: PROTOCOL_VERSION, body: b } as Envelope));
  return [...whole, ...(await toFrames(envelope(update), 96))];
}

async function fuzzSocketJob(
  url: string,
  k: number,
  frames: fc.Arbitrary<unknown>,
  tally: ReplyTally,
  stats: { sent: number; batches: number; reconnects: number },
  quota: number,
): Promise<void> {
  // Sockets 0-3 say hello first (reach round logic); 4-5 never do (pre-hello paths).
  const clientId = k < 4 ? `fuzz-${k}` : undefined;
  let socket = await FuzzSocket.open(url, clientId, tally, ['fuzzrun'], CLIENT);
  for (let batch = 0, sent = 0; sent < quota; batch++) {
    const values = fc.sample(frames, { numRuns: BATCH, seed: SEED + k * 100_003 + batch });
    const others = fc.sample(fc.tuple(fc.string({ maxLength: 12 }), wrongTypes), {
      numRuns: 10,
      seed: SEED - batch,
    });
    for (const [event, payload] of others) if (!RESERVED.has(event)) socket.emitOther(event || 'x', payload);
    // Once: a frame far over the transport limit; socket.io drops that connection, nothing else.
    if (k === 5 && batch === 0) socket.emitOther(FEDERA_EVENT, new Uint8Array(2 * 1024 * 1024));
    const answered = await socket.blast(values, `sentinel-${k}-${batch}`);
    sent += values.length + others.length;
    stats.sent += values.length + others.length;
    stats.batches++;
    if (!answered || socket.isClosed) {
      // Hung up on (a forged duplicate hello, an oversize frame): come back like any client would.
      socket.close();
      socket = await FuzzSocket.open(url, clientId, tally, ['fuzzrun'], CLIENT);
      stats.reconnects++;
    }
  }
  socket.close();
}

interface RestStats {
  sent: number;
  statuses: Record<number, number>;
  badReplies: Array<{ req: FuzzRequest; status: number; body: string }>;
}

function fuzzRest(
  app: import('fastify').FastifyInstance,
  seed: number,
): { stats: RestStats; done: Promise<void> } {
  // The dashboard's Server-Sent Events stream never ends by design and takes no input: not fuzzable by inject().
  const routes = parseRouteTree(app.printRoutes({ commonPrefix: false })).filter(
    (r) => r.path !== '*' && r.path !== '/dashboard/events',
  );
  const stats: RestStats = { sent: 0, statuses: {}, badReplies: [] };
  const perRoute = Math.ceil(REST_REQUESTS / routes.length);
  const done = (async () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const [i, route] of routes.entries()) {
      // The live run may be read but not stopped or restarted by the fuzzer: those are legitimate admin actions.
      const ids =
        route.method === 'GET' || route.method === 'HEAD' ? ['fuzzrun', 'nope', '0'] : ['nope', '0', 'a'];
      const requests = fc.sample(routeRequests(route, ids, [ADMIN, VIEWER]), {
        numRuns: perRoute,
        seed: seed + i,
      });
      for (let j = 0; j < requests.length; j += 50) {
        await Promise.all(
          requests.slice(j, j + 50).map(async (req) => {
            const res = await app.inject(req as never).catch(() => undefined);
            // light-my-request refuses a few URLs itself; those never reached the server.
            if (!res) return;
            stats.sent++;
            stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode < 400 || req.method === 'HEAD') return;
            let reply: { code?: unknown; retryable?: unknown } = {};
            try {
              reply = JSON.parse(res.body) as typeof reply;
            } catch {
              reply = {};
            }
            const { code } = reply;
            // A 503 with a retryable typed error (model still loading, queue full) is an answer, not a crash.
            const unavailable = res.statusCode === 503 && reply.retryable === true;
            if (typeof code !== 'string' || !CODE.test(code) || (res.statusCode >= 500 && !unavailable)) {
              if (stats.badReplies.length < 20)
                stats.badReplies.push({ req, status: res.statusCode, body: res.body.slice(0, 120) });
            }
          }),
        );
      }
    }
  })();
  return { stats, done };
}
