import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TensorSpec, Weights } from '@federa/core';
import { hashWeights } from '@federa/protocol';
import * as tf from '@tensorflow/tfjs';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import {
  authPlugin,
  type TokenConfig,
  FederationEvents,
  metricsPlugin,
  type RunRecord,
  type VersionRecord,
  type ServingOptions,
  servingPlugin,
  FederaStore,
  initTfBackend,
  modelFromTopology,
  setModelWeights,
} from '@federa/server';

export const FEATURES = 4;
export const CLASSES = 3;

/** A real store in a temp dir holding one run (the served model) with several committed versions. */
export interface Fixture {
  dir: string;
  store: FederaStore;
  model: string;
  topology: unknown;
  specs: TensorSpec[];
  /** weights[v] are the weights of version v. */
  weights: Weights[];
  /** Commit one more version (a round) with the given weights and metrics; returns its record. */
  commit(weights: Weights, metrics?: Record<string, number>): Promise<VersionRecord>;
  /** Commit a version whose stored hash does not match its weights (a corrupt store entry). */
  commitCorrupt(): Promise<VersionRecord>;
  /** In-process reference prediction of version v (TF.js, no HTTP). */
  reference(version: number, rows: number[][]): Promise<number[][]>;
  close(): Promise<void>;
}

/** Tiny classifier: 4 features -> 5 relu -> 3 softmax. */
export function tinyTopology(): unknown {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: 5, activation: 'relu' }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  const json = model.toJSON(undefined, false);
  model.dispose();
  return json;
}

/** Deterministic weights for version `v`: distinct per version, so versions answer differently. */
export function weightsFor(specs: TensorSpec[], v: number): Weights {
  return specs.map((s, t) =>
    Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) =>
      Math.sin(1 + i * 0.7 + t * 1.3 + v * 2.1),
    ),
  );
}

export async function createFixture(versions = 3, name = 'tiny'): Promise<Fixture> {
  await initTfBackend(() => {});
  const dir = await mkdtemp(join(tmpdir(), 'federa-serving-'));
  const store = await FederaStore.open(join(dir, 'store'));
  const topology = tinyTopology();
  const probe = await modelFromTopology(topology);
  const specs = probe.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
  probe.dispose();
  const now = Date.now();
  const weights: Weights[] = [weightsFor(specs, 0)];
  const settings = {
    id: name,
    strategy: { name: 'fedavg' },
    rounds: 100,
    clientsPerRound: 2,
    minClients: 1,
    roundTimeoutMs: 1000,
    localEpochs: 1,
    batchSize: 8,
    learningRate: 0.1,
    maxExamplesPerClient: 1000,
    maxRoundAttempts: 1,
  };
  let run: RunRecord = {
    settings,
    topology,
    specs,
    status: 'running',
    completedRounds: 0,
    currentVersion: 0,
    createdAt: now,
    updatedAt: now,
  };
  const record = async (v: number, w: Weights, metrics: Record<string, number>): Promise<VersionRecord> => ({
    runId: name,
    version: v,
    round: v,
    hash: await hashWeights(specs, w),
    createdAt: Date.now(),
    numParams: w.reduce((s, t) => s + t.length, 0),
    metrics,
  });
  await store.createRun(run, await record(0, weights[0]!, {}), weights[0]!);
  const fixture: Fixture = {
    dir,
    store,
    model: name,
    topology,
    specs,
    weights,
    async commit(w, metrics = {}) {
      const v = weights.length;
      weights.push(w);
      const version = await record(v, w, metrics);
      run = { ...run, completedRounds: v, currentVersion: v, updatedAt: Date.now() };
      const round = {
        runId: name,
        round: v,
        attempts: 1,
        baseVersion: v - 1,
        version: v,
        sampled: ['c1'],
        participants: [{ clientId: 'c1', numExamples: 10, metrics: {} }],
        dropped: [],
        metrics,
        startedAt: Date.now(),
        endedAt: Date.now(),
      };
      await store.commitRound({ run, version, weights: w, round, strategyState: {} });
      return version;
    },
    async commitCorrupt() {
      const version = await fixture.commit(weightsFor(specs, 99));
      const versions = store.db.sublevel<string, VersionRecord>('versions', { valueEncoding: 'json' });
      await versions.put(`${name}!${String(version.version).padStart(10, '0')}`, {
        ...version,
        hash: '0'.repeat(64),
      });
      return version;
    },
    async reference(version, rows) {
      const model = await modelFromTopology(topology);
      setModelWeights(model, specs, weights[version]!);
      const out = tf.tidy(() =>
        (model.predict(tf.tensor2d(rows, [rows.length, FEATURES])) as tf.Tensor).arraySync(),
      );
      model.dispose();
      return out as number[][];
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (let v = 1; v < versions; v++) await fixture.commit(weightsFor(specs, v), { accuracy: 0.5 + v / 100 });
  return fixture;
}

/** A minimal fastify app the way buildServer wires serving: auth, serving, metrics on one prom registry. */
export async function startApp(
  fixture: Fixture,
  options: Partial<ServingOptions> = {},
  tokens: TokenConfig[] = [],
): Promise<{ app: FastifyInstance; events: FederationEvents; registry: Registry }> {
  const app = Fastify({ logger: false });
  const events = new FederationEvents();
  const registry = new Registry();
  await app.register(authPlugin, { tokens });
  await app.register(servingPlugin, { store: fixture.store, events, registry, ...options });
  await app.register(metricsPlugin, { events, registry, roles: [] });
  await app.ready();
  await app.serving.preloaded;
  return { app, events, registry };
}

/** Rows used across tests. */
export const ROWS = [
  [0.1, 0.2, 0.3, 0.4],
  [1, -1, 0.5, 2],
  [-0.3, 0.8, 0, 1.5],
];

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol)
      throw new Error(`index ${i}: ${actual[i]} != ${expected[i]}`);
  }
}
