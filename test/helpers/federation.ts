import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientEvent, FederaClient, type LocalDataset, type Trainer } from '@federa/client';
import { type BuildServerOptions, type FederaServer, buildServer } from '@federa/server';
import * as tf from '@tensorflow/tfjs';

/** A fresh temp directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'federa-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A real coordinator on 127.0.0.1, port 0, over a temp-dir store. */
export async function startServer(
  opts: Partial<BuildServerOptions> & { storePath?: string } = {},
  port = 0,
): Promise<{ server: FederaServer; url: string; storePath: string }> {
  const storePath = opts.storePath ?? (await tempDir()).path;
  const server = await buildServer({ ...opts, storePath });
  const url = await server.listen(port, '127.0.0.1');
  return { server, url, storePath };
}

/** Tiny classifier topology: 8 features -> `hidden` relu (6: 75 params) -> 3 softmax. */
export function tinyTopology(hidden = 6): unknown {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'h', inputShape: [8], units: hidden, activation: 'relu' }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }),
    ],
  });
  const json = model.toJSON(undefined, false);
  model.dispose();
  return json;
}

/** Deterministic synthetic 3-class data: class k is centred at feature k. */
export function tinyData(n: number, offset = 0): LocalDataset {
  const x = new Float32Array(n * 8);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = (i + offset) % 3;
    y[i] = label;
    for (let f = 0; f < 8; f++) x[i * 8 + f] = (f === label ? 1 : 0) + 0.1 * Math.sin(7 * i + 3 * f + offset);
  }
  return { x, y, n, featureShape: [8], numClasses: 3 };
}

/** Start a client joined to `extra.runs` and collect its events. */
export async function startClient(
  url: string,
  clientId: string,
  data: LocalDataset,
  extra: { runs: string[]; trainer?: Trainer; onEvent?: (e: ClientEvent) => void; token?: string },
): Promise<{ client: FederaClient; events: ClientEvent[] }> {
  const events: ClientEvent[] = [];
  const client = new FederaClient({
    url,
    clientId,
    runs: extra.runs,
    data,
    ...(extra.trainer ? { trainer: extra.trainer } : {}),
    ...(extra.token ? { token: extra.token } : {}),
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  await client.start();
  return { client, events };
}

/** Resolve when `predicate` holds, polling; reject after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Three started clients `${prefix}0..2` joined to `runs`, each with a training and a test split (federated evaluation). */
export async function startEvaluatingClients(
  url: string,
  prefix: string,
  runs: string[],
  token?: string,
): Promise<FederaClient[]> {
  const clients = [0, 1, 2].map(
    (i) =>
      new FederaClient({
        url,
        clientId: `${prefix}${i}`,
        runs,
        ...(token ? { token } : {}),
        data: tinyData(10 + i, i),
        testData: tinyData(5 + i, i + 3),
      }),
  );
  await Promise.all(clients.map((c) => c.start()));
  return clients;
}

/** Event-loop turns (setImmediate callbacks) that run while `work` does: 0 when it never yields. */
export async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}
