// Serving throughput and latency: the MNIST 2NN (784-200-200-10) behind the TF Serving REST route, with and
// without dynamic batching, at concurrency 1, 8 and 64 (autocannon on loopback), against in-process
// model.predict in the same run. The server runs in a child process so client and server do not share one
// event loop; `node bench/serving.mjs --serve <store> <batching-json>` is that child.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from './_measure.mjs';

const require = createRequire(import.meta.url);
const MODEL = 'mnist-2nn';
const CONCURRENCY = [1, 8, 64];
const DURATION_S = Number(process.env.FEDERA_BENCH_SECONDS ?? 5);
const SERIAL_REQUESTS = 2000;
const server = (path) => `../packages/server/dist/${path}`;

async function imports() {
  const tf = await import('@tensorflow/tfjs');
  const { FederaStore } = await import(server('store/store.js'));
  const { initTfBackend } = await import(server('tf/backend.js'));
  return { tf, FederaStore, initTfBackend };
}

/** McMahan et al. 2017's "2NN": two hidden layers of 200 ReLU units (199,210 parameters). */
function mnist2nn(tf) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 200, activation: 'relu' }),
      tf.layers.dense({ units: 200, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** A deterministic MNIST-like image: pixel intensities in [0, 1] (benchmark data, not security-relevant). */
function image(seed) {
  let s = seed >>> 0 || 1;
  return Array.from({ length: 784 }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return Math.round(((s >>> 0) / 4294967296) * 1000) / 1000;
  });
}

async function createStore(dir, tf, FederaStore) {
  const { hashWeights } = await import('../packages/protocol/dist/index.js');
  const model = mnist2nn(tf);
  const topology = model.toJSON(undefined, false);
  const values = model.getWeights();
  const specs = model.weights.map((w, i) => ({ name: w.originalName ?? w.name, shape: values[i].shape }));
  const weights = values.map((t) => t.dataSync().slice());
  const store = await FederaStore.open(dir);
  const now = Date.now();
  const settings = {
    id: MODEL,
    strategy: { name: 'fedavg' },
    rounds: 1,
    clientsPerRound: 1,
    minClients: 1,
    roundTimeoutMs: 1000,
    localEpochs: 1,
    batchSize: 32,
    learningRate: 0.1,
    maxExamplesPerClient: 1000,
    maxRoundAttempts: 1,
  };
  const run = {
    settings,
    topology,
    specs,
    status: 'completed',
    completedRounds: 0,
    currentVersion: 0,
    createdAt: now,
    updatedAt: now,
  };
  const hash = await hashWeights(specs, weights);
  const version = {
    runId: MODEL,
    version: 0,
    round: 0,
    hash,
    createdAt: now,
    numParams: 199_210,
    metrics: {},
  };
  await store.createRun(run, version, weights);
  await store.close();
  return { model, specs, weights };
}

/** Child mode: serve the store over loopback and print the URL. */
async function serve(storeDir, batchingJson) {
  const { default: Fastify } = await import('fastify');
  const { FederaStore, initTfBackend } = await imports();
  const { servingPlugin } = await import(server('serving/index.js'));
  const backend = await initTfBackend(() => {});
  const store = await FederaStore.open(storeDir);
  const app = Fastify({ logger: false });
  await app.register(servingPlugin, { store, batching: JSON.parse(batchingJson) });
  await app.ready();
  await app.serving.preloaded;
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url, backend })}\n`);
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => store.close())
        .then(() => process.exit(0)),
  );
}

function startServer(storeDir, batching) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--serve', storeDir, JSON.stringify(batching)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ ...JSON.parse(out.split('\n')[0]), child });
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function cannon(url, body, connections, duration) {
  const autocannon = require('autocannon');
  const result = await autocannon({
    url: `${url}/v1/models/${MODEL}:predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
  });
  if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Sequential keep-alive requests timed with hrtime: sub-millisecond latency at concurrency 1. */
async function serialLatencies(url, body, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const once = () =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          hostname,
          port,
          method: 'POST',
          path: `/v1/models/${MODEL}:predict`,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
              : reject(new Error(`status ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 100; i++) await once();
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await once());
  agent.destroy();
  return samples;
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function inProcess(tf, model, pixels, n) {
  const run = () => tf.tidy(() => model.predict(tf.tensor2d([pixels], [1, 784])).dataSync());
  for (let i = 0; i < 100; i++) run();
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return samples;
}

/** Bench entry for bench/run.mjs. */
export async function run() {
  const { tf, FederaStore, initTfBackend } = await imports();
  const backend = await initTfBackend(() => {});
  const dir = await mkdtemp(join(tmpdir(), 'federa-bench-serving-'));
  try {
    const storeDir = join(dir, 'store');
    const { model } = await createStore(storeDir, tf, FederaStore);
    const pixels = image(7);
    const body = JSON.stringify({ instances: [pixels] });
    const local = inProcess(tf, model, pixels, SERIAL_REQUESTS);
    const localP50 = median(local);
    const modes = {
      unbatched: false,
      batched: { maxBatchSize: 64, maxQueueDelayMs: 0, maxQueueRows: 4096 },
    };
    const rows = [];
    const results = {};
    let serial;
    let serverBackend;
    for (const [mode, batching] of Object.entries(modes)) {
      const srv = await startServer(storeDir, batching === false ? false : batching);
      serverBackend = srv.backend;
      try {
        if (mode === 'unbatched') serial = await serialLatencies(srv.url, body, SERIAL_REQUESTS);
        await cannon(srv.url, body, 8, 1); // warm-up
        for (const c of CONCURRENCY) {
          const r = await cannon(srv.url, body, c, DURATION_S);
          results[`${mode}@${c}`] = r;
          rows.push([mode, c, fmt(r.rps, 0), fmt(r.p50, 0), fmt(r.p99, 0)]);
        }
      } finally {
        await stopServer(srv.child);
      }
    }
    const inProcRps = 1000 / localP50;
    rows.push([
      'in-process model.predict (1 row)',
      1,
      fmt(inProcRps, 0),
      fmt(localP50, 3),
      fmt(percentile(local, 99), 3),
    ]);
    model.dispose();
    const speedup = results['batched@64'].rps / results['unbatched@64'].rps;
    const overhead = median(serial) - localP50;
    const markdown = [
      table(['mode', 'concurrency', 'req/s', 'p50 ms', 'p99 ms'], rows),
      '',
      `- Model: MNIST 2NN (784-200-200-10, 199,210 params), one image per request, TF Serving REST \`:predict\`;` +
        ` server TF.js backend \`${serverBackend}\`, bench process backend \`${backend}\`; ${DURATION_S} s per autocannon run.`,
      `- Dynamic batching (max batch 64, queue delay 0: merge what arrives while a batch runs) at concurrency 64:` +
        ` **${fmt(speedup, 2)}×** the unbatched throughput (target ≥ 3×).`,
      `- HTTP overhead at concurrency 1 (sequential keep-alive client, hrtime): median round trip` +
        ` ${fmt(median(serial), 3)} ms vs in-process predict ${fmt(localP50, 3)} ms → **${fmt(overhead, 3)} ms** (target ≤ 1 ms);` +
        ` p99 round trip ${fmt(percentile(serial, 99), 3)} ms.`,
      '- autocannon latencies have 1 ms resolution; the server runs in a child process, the load generator in the bench process (2 cores shared).',
    ].join('\n');
    return { title: 'Serving: MNIST 2NN throughput and latency', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--serve') await serve(process.argv[3], process.argv[4]);
  // `--prepare <dir>`: only write the benchmark store (for profiling the server by hand).
  if (process.argv[2] === '--prepare') {
    const { tf, FederaStore, initTfBackend } = await imports();
    await initTfBackend(() => {});
    await createStore(process.argv[3], tf, FederaStore);
  }
}
