import { type SecAggParams, type Weights, quantizeUpdate } from '@federa/core';
import {
  type ClientEvent,
  type DeviceKey,
  FederaClient,
  type SecAggClientPolicy,
  trainLocally,
} from '@federa/client';
import type { RoundTask } from '@federa/protocol';
import type { FederaServer } from '@federa/server';
import { startProductionCoordinator } from '../attacks/production.js';
import { startServer, tinyData, tinyTopology } from '../helpers/federation.js';

/** One client's true contribution to one attempt, captured by a wrapping trainer. */
export interface TrueUpdate {
  clientId: string;
  delta: Weights;
  numExamples: number;
  metrics: Record<string, number>;
}

/** A coordinator with `count` real TF.js clients and the true deltas they trained, per "round.attempt". */
export interface SecAggFederation {
  server: FederaServer;
  url: string;
  clients: Map<string, FederaClient>;
  truth: Map<string, TrueUpdate[]>;
  tasks: Map<string, RoundTask>;
  failures: Array<{ round: number; attempt: number; code: string }>;
  /** Codes of the typed errors each client reported. */
  rejections: Map<string, string[]>;
  /** Enrolled device keys (production configuration only). */
  keys: Map<string, DeviceKey>;
  stop(): Promise<void>;
}

/** How {@link startSecAggFederation} sets up the coordinator and clients. */
export interface FederationSetup {
  /**
   * The production configuration (test/attacks/production.ts: identity required, TLS, tokens);
   * every client enrols a device key, so SecAgg+ runs default to the malicious-server mode.
   */
  production?: boolean;
  /** Device key algorithm of client `i` (default Ed25519). */
  algorithm?: (i: number) => DeviceKey['algorithm'];
  /** Each client's own secure-aggregation policy. */
  policy?: (clientId: string) => SecAggClientPolicy;
  /** Runs on the coordinator before any client connects (e.g. a test that makes it misbehave). */
  beforeClients?: (server: FederaServer) => void;
}

/** Start a coordinator and `count` clients joined to `runId`; `onEvent` may stop a client at a chosen SecAgg+ stage. */
export async function startSecAggFederation(
  count: number,
  runId: string,
  onEvent?: (clientId: string, e: ClientEvent, client: () => FederaClient) => void,
  setup: FederationSetup = {},
): Promise<SecAggFederation> {
  const prod = setup.production ? await startProductionCoordinator() : undefined;
  const { server, url } = prod ?? (await startServer());
  setup.beforeClients?.(server);
  const keys = new Map<string, DeviceKey>();
  const truth = new Map<string, TrueUpdate[]>();
  const tasks = new Map<string, RoundTask>();
  const failures: SecAggFederation['failures'] = [];
  const rejections = new Map<string, string[]>();
  let current = '';
  server.events.on('round-started', ({ round, attempt }) => {
    current = `${round}.${attempt}`;
  });
  server.events.on('round-failed', ({ round, attempt, code }) => failures.push({ round, attempt, code }));
  const clients = new Map<string, FederaClient>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const clientId = `c${i}`;
      const key = prod ? await prod.enrol(clientId, setup.algorithm?.(i)) : undefined;
      if (key) keys.set(clientId, key);
      const policy = setup.policy?.(clientId);
      const client = new FederaClient({
        url,
        clientId,
        runs: [runId],
        data: tinyData(9 + 3 * i, i),
        ...(key && prod ? { identity: key, ca: prod.ca } : {}),
        ...(policy ? { secureAggregation: policy } : {}),
        trainer: async (job) => {
          const key = current;
          const result = await trainLocally(job);
          truth.set(key, [...(truth.get(key) ?? []), { clientId, ...result }]);
          return result;
        },
        onEvent: (e) => {
          if (e.type === 'task') tasks.set(clientId, e.task);
          if (e.type === 'rejected')
            rejections.set(clientId, [...(rejections.get(clientId) ?? []), e.error.code]);
          onEvent?.(clientId, e, () => clients.get(clientId)!);
        },
      });
      await client.start();
      clients.set(clientId, client);
    }),
  );
  return {
    server,
    url,
    clients,
    truth,
    tasks,
    failures,
    rejections,
    keys,
    stop: async () => {
      await Promise.all([...clients.values()].map((c) => c.stop()));
      await (prod ? prod.close() : server.close());
    },
  };
}

/** Create and run a SecAgg+ run to completion. */
export async function runSecAgg(fed: SecAggFederation, id: string, settings: Record<string, unknown> = {}) {
  await fed.server.coordinator.createRun({
    settings: {
      id,
      rounds: 1,
      clientsPerRound: fed.clients.size,
      minClients: 3,
      roundTimeoutMs: 60_000,
      localEpochs: 1,
      batchSize: 4,
      learningRate: 0.2,
      secureAggregation: { stageTimeoutMs: 5_000 },
      ...settings,
    },
    topology: tinyTopology(),
  });
  await fed.server.coordinator.startRun(id);
  await fed.server.coordinator.whenIdle(id);
  return fed.server.coordinator.getRun(id);
}

/** Σ w·clip(Δ) / Σ w over `updates`, with the protocol's clipped weights, flattened. */
export function plaintextMean(updates: readonly TrueUpdate[], params: SecAggParams): Float32Array {
  const flat = updates.map((u) => flatten(u.delta));
  const out = new Float64Array(flat[0]!.length);
  let total = 0;
  updates.forEach((u, i) => {
    const w = Math.min(u.numExamples, params.maxWeight);
    total += w;
    flat[i]!.forEach((v, j) => {
      out[j]! += w * Math.min(params.clipRange, Math.max(-params.clipRange, v));
    });
  });
  return Float32Array.from(out, (v) => v / total);
}

/** The client's true quantized words (what masking hides). */
export function trueWords(u: TrueUpdate, params: SecAggParams): Uint32Array {
  return quantizeUpdate(flatten(u.delta), u.numExamples, params, u.metrics);
}

export function flatten(weights: Weights): Float32Array {
  const out = new Float32Array(weights.reduce((n, t) => n + t.length, 0));
  let off = 0;
  for (const t of weights) {
    out.set(t, off);
    off += t.length;
  }
  return out;
}

/** Params of a task's SecAgg+ session. */
export function paramsOf(task: RoundTask): SecAggParams {
  const { sessionId: _s, ...params } = task.secagg!;
  return params;
}
