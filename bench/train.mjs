// Local training speed on the default backend (wasm + @federa/client's kernels) against PyTorch on
// one CPU thread, same architecture, batch size and loop; transposed vs plain matMul; and `federa sim`
// at 1 vs 2 worker threads (issue 13).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { charLstmTopology, mnist2nnTopology, mnistCnnTopology } from '../packages/cli/dist/index.js';
import { describeBackend, initBackend, trainLocally } from '../packages/client/dist/index.js';
import { median, table, timeInterleaved } from './_measure.mjs';
import { parallelTrainingRate } from './_parallel-train.mjs';

const VOCAB = 48;
const WINDOW = 32;
const BATCH = 20;
const MODELS = [
  { name: '2nn', label: '2NN 784-200-200-10', n: 2000, topology: () => mnist2nnTopology() },
  { name: 'cnn', label: 'McMahan CNN (1,663,370 params)', n: 400, topology: () => mnistCnnTopology() },
  {
    name: 'lstm',
    label: `char-LSTM (embed 8, LSTM 128, ${WINDOW} steps, ${VOCAB} symbols)`,
    n: 400,
    topology: () => charLstmTopology({ vocabulary: VOCAB, window: WINDOW }),
  },
];

/** Deterministic inputs (benchmark data): pixels in [0, 1) or character ids, labels cycling. */
function dataFor(m) {
  const width = m.name === 'lstm' ? WINDOW : 784;
  const classes = m.name === 'lstm' ? VOCAB : 10;
  let s = 12345;
  const x = Float32Array.from({ length: m.n * width }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = (s >>> 8) / 16777216;
    return m.name === 'lstm' ? Math.floor(u * VOCAB) : u;
  });
  const y = Uint8Array.from({ length: m.n }, (_, i) => i % classes);
  return { x, y, n: m.n, featureShape: [width], numClasses: classes };
}

async function tfjsSamplesPerSecond(m) {
  const topology = m.topology();
  const model = await tfl.models.modelFromJSON({ modelTopology: topology });
  const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape }));
  const globalWeights = model.getWeights().map((t) => t.dataSync().slice());
  model.dispose();
  const job = {
    topologyJson: JSON.stringify(topology),
    specs,
    globalWeights,
    epochs: 1,
    batchSize: BATCH,
    learningRate: 0.05,
    proximalMu: 0,
    data: dataFor(m),
    shuffleSeed: 1,
  };
  await trainLocally(job); // warm-up
  const rates = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await trainLocally(job);
    rates.push(m.n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

function torchSamplesPerSecond() {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return undefined;
  const spec = MODELS.map((m) => ({ name: m.name, n: m.n, batch: BATCH, vocab: VOCAB, window: WINDOW }));
  const script = fileURLToPath(new URL('./_train_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * 100×784 · 784×200 (a Dense layer's forward) and its two backward products, same FLOPs. The plain
 * product reuses its weight tensor, so the wasm backend reuses the XNNPACK operator it built for it;
 * training makes a new weight tensor every SGD step, so a row also times the plain product on a new one.
 */
function matMulRows() {
  const a = tf.randomUniform([100, 784]);
  const aT = tf.randomUniform([784, 100]);
  const b = tf.randomUniform([784, 200]);
  const bT = tf.randomUniform([200, 784]);
  const warmup = 3;
  const reps = 15;
  const newWeights = Array.from({ length: warmup + reps }, () => tf.add(b, 0));
  const run = (f) => () => tf.tidy(() => void f().dataSync());
  const samples = timeInterleaved(
    {
      plain: run(() => tf.matMul(a, b)),
      transposeA: run(() => tf.matMul(aT, b, true, false)),
      transposeB: run(() => tf.matMul(a, bT, false, true)),
      'plain, a new weight tensor each call (as after every SGD step)': () => {
        const w = newWeights.pop();
        run(() => tf.matMul(a, w))();
        w.dispose();
      },
    },
    { warmup, reps },
  );
  tf.dispose([a, aT, b, bT, ...newWeights]);
  const gflops = (ms) => (2 * 100 * 784 * 200) / (ms * 1e6);
  const plain = median(samples.plain);
  return Object.entries(samples).map(([name, s]) => [
    `matMul 100×784·784×200, ${name}`,
    `${gflops(median(s)).toFixed(1)} GFLOP/s`,
    name === 'plain' ? '1.00×' : `${(median(s) / plain).toFixed(2)}× the plain time`,
  ]);
}

/**
 * The wasm backend's own Transpose (its C++ export, called as its JS kernel calls it; initBackend
 * replaced that kernel in the registry) against `@federa/client`'s SIMD heap kernel, on a Dense weight.
 */
function transposeRows() {
  const backend = tf.backend();
  const wasmTranspose = backend.wasm.cwrap('Transpose', null, [
    'number',
    'array',
    'number',
    'number',
    'number',
    'array',
    'number',
  ]);
  const x = tf.randomUniform([784, 200]);
  const bytes = (v) => new Uint8Array(new Int32Array(v).buffer);
  const backendOwn = () => {
    const out = backend.makeOutput([200, 784], 'float32');
    const id = (t) => backend.dataIdMap.get(t.dataId).id;
    wasmTranspose(id(x), bytes(x.shape), 2, 0 /* float32 */, id(out), bytes([1, 0]), 2);
    return out;
  };
  const args = { inputs: { x }, backend, attrs: { perm: [1, 0] } };
  // One sample is CALLS calls: a single call after the GC between samples times cold caches.
  const CALLS = 50;
  const own = (f) => () => {
    for (let i = 0; i < CALLS; i++) backend.disposeData(f().dataId);
  };
  const samples = timeInterleaved(
    {
      "the backend's own kernel": own(backendOwn),
      "@federa/client's SIMD heap kernel": own(() => tf.getKernel('Transpose', 'wasm').kernelFunc(args)),
    },
    { warmup: 5, reps: 40 },
  );
  x.dispose();
  const base = median(samples["the backend's own kernel"]);
  return Object.entries(samples).map(([name, s]) => [
    name,
    `${((median(s) * 1000) / CALLS).toFixed(0)} µs`,
    `${(median(s) / base).toFixed(2)}×`,
  ]);
}

/**
 * The wasm backend's own GatherV2 (taken from the registry before initBackend replaced it) against
 * `@federa/client`'s row copies, on what training gathers: a minibatch of a client's digits and a
 * char-LSTM's embedding lookup.
 */
function gatherRows(ownGather) {
  if (!ownGather) return [['the backend has no GatherV2 kernel of its own to compare', '', '']];
  const backend = tf.backend();
  const ours = tf.getKernel('GatherV2', 'wasm').kernelFunc;
  const every = (k) => Array.from({ length: k }, (_, i) => i);
  const cases = [
    [
      '20 rows of 784 pixels from 800 (a minibatch)',
      [800, 784],
      every(BATCH).map((i) => (i * 37) % 800),
      [BATCH],
    ],
    [
      `a [${BATCH}, ${WINDOW}] embedding lookup in ${VOCAB}×8`,
      [VOCAB, 8],
      every(BATCH * WINDOW).map((i) => (i * 7) % VOCAB),
      [BATCH, WINDOW],
    ],
  ];
  const CALLS = 50;
  const rows = [];
  for (const [label, shape, picks, pickShape] of cases) {
    const x = tf.randomUniform(shape);
    const indices = tf.tensor(picks, pickShape, 'int32');
    const args = { inputs: { x, indices }, backend, attrs: { axis: 0, batchDims: 0 } };
    const calls = (kernel) => () => {
      for (let i = 0; i < CALLS; i++) backend.disposeData(kernel(args).dataId);
    };
    const samples = timeInterleaved(
      { "the backend's own kernel": calls(ownGather), "@federa/client's row copies": calls(ours) },
      { warmup: 5, reps: 40 },
    );
    x.dispose();
    indices.dispose();
    const base = median(samples["the backend's own kernel"]);
    for (const [name, s] of Object.entries(samples)) {
      rows.push([
        `${label}, ${name}`,
        `${((median(s) * 1000) / CALLS).toFixed(1)} µs`,
        `${(median(s) / base).toFixed(2)}×`,
      ]);
    }
  }
  return rows;
}

/**
 * A Dense layer's forward on the weights of a new SGD step, as tfjs-layers calls it (`_FusedMatMul`,
 * bias, ReLU), each call on weights no product has seen: the wasm backend's own kernel (taken from the
 * registry before initBackend replaced it) packs the whole weight matrix into a new XNNPACK operator
 * every call; `@federa/client`'s takes (Wᵀ·xᵀ)ᵀ and packs the 20-row input instead. And, for scale,
 * the backend's kernel on weights it has packed before (inference).
 */
function freshWeightRows(ownFused) {
  if (!ownFused) return [['the backend has no _FusedMatMul kernel of its own to compare', '', '']];
  const backend = tf.backend();
  const ours = tf.getKernel('_FusedMatMul', 'wasm').kernelFunc;
  const cases = [
    ['2NN first layer, 20×784 · 784×200', 784, 200, 20],
    ['McMahan CNN dense layer, 20×3136 · 3136×512', 3136, 512, 8],
  ];
  const rows = [];
  for (const [label, k, n, calls] of cases) {
    const x = tf.randomUniform([1, BATCH, k]);
    const w = tf.randomUniform([1, k, n]);
    const bias = tf.randomUniform([n]);
    const run = (kernel, weights) => {
      const args = {
        inputs: { a: x, b: weights, bias },
        backend,
        attrs: { transposeA: false, transposeB: false, activation: 'relu' },
      };
      backend.disposeData(kernel(args).dataId);
    };
    const methods = {
      "the backend's own kernel, new weights": [ownFused, true],
      "@federa/client's, new weights": [ours, true],
      "the backend's own kernel, weights it packed before": [ownFused, false],
    };
    const samples = Object.fromEntries(Object.keys(methods).map((name) => [name, []]));
    for (let round = 0; round < 12; round++) {
      for (const [name, [kernel, fresh]] of Object.entries(methods)) {
        const pool = Array.from({ length: calls }, () => (fresh ? tf.add(w, 0) : w));
        const t0 = performance.now();
        for (const weights of pool) run(kernel, weights);
        if (round >= 2) samples[name].push((performance.now() - t0) / calls);
        if (fresh) tf.dispose(pool);
      }
    }
    tf.dispose([x, w, bias]);
    const base = median(samples["the backend's own kernel, new weights"]);
    for (const [name, s] of Object.entries(samples)) {
      rows.push([
        `${label}, ${name}`,
        `${(median(s) * 1000).toFixed(0)} µs`,
        `${(median(s) / base).toFixed(2)}×`,
      ]);
    }
  }
  return rows;
}

/** Rounds of each `federa sim` run; the early window is rounds 2–5, the late one the second half. */
const SIM_ROUNDS = 16;
const WINDOWS = [
  { name: 'rounds 2–5', from: 1, to: 5 },
  { name: `rounds ${SIM_ROUNDS / 2 + 1}–${SIM_ROUNDS}`, from: SIM_ROUNDS / 2, to: SIM_ROUNDS },
];

/**
 * Median round time of `federa sim` (2NN, 10 clients, E = 1, no SecAgg) at `workers` threads, and the
 * median process CPU per round (every thread: coordinator, client hosts, V8's compiler and GC
 * threads), in each of WINDOWS. Round 1 also starts the workers and warms each backend; V8 goes on
 * compiling TF.js code for many rounds after it, so the late window is the run's steady state.
 */
function simRound(workers, partition) {
  const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
  const args = [
    'sim',
    '--clients',
    '10',
    '--rounds',
    String(SIM_ROUNDS),
    '--epochs',
    '1',
    '--no-secagg',
    '--json',
  ];
  const r = spawnSync(
    process.execPath,
    [bin, ...args, '--partition', partition, '--workers', String(workers)],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`federa sim failed: ${r.stderr}`);
  const { rounds } = JSON.parse(r.stdout);
  return WINDOWS.map(({ from, to }) => {
    const window = rounds.slice(from, to);
    return {
      seconds: median(window.map((round) => round.seconds)),
      cpu: median(window.map((round) => round.cpuSeconds)),
    };
  });
}

/** Runs of each side, alternated (1, 2, 1, 2, ...) so a shared machine's drifting speed hits both alike. */
const REPS = 3;

function simRows(ceiling) {
  return ['iid', 'dirichlet'].flatMap((partition) => {
    const ones = [];
    const twos = [];
    for (let i = 0; i < REPS; i++) {
      ones.push(simRound(1, partition));
      twos.push(simRound(2, partition));
    }
    return WINDOWS.map((w, k) => {
      const one = median(ones.map((o) => o[k].seconds));
      const two = median(twos.map((t) => t[k].seconds));
      // The same work on two cores takes at least half its CPU: at 1 worker, V8's compiler and GC
      // threads and the coordinator ride on the second core, off the round's critical path.
      const limit = one / (median(ones.map((o) => o[k].cpu)) / 2);
      const speedUp = one / two;
      const label = partition === 'iid' ? 'IID' : 'Dirichlet α = 0.5 (npm start)';
      return [
        `\`federa sim\` round, 10 clients, ${label}, ${w.name}`,
        `${one.toFixed(2)} s`,
        `${two.toFixed(2)} s`,
        `${speedUp.toFixed(2)}× (${((100 * (speedUp - 1)) / (ceiling - 1)).toFixed(0)} % of the ceiling's gain)`,
        `${limit.toFixed(2)}×`,
      ];
    });
  });
}

/** Samples/s of the 2NN loop on one thread and on two at once, medians of alternated runs. */
async function ceilingRates() {
  const alone = [];
  const together = [];
  for (let i = 0; i < REPS; i++) {
    alone.push(await parallelTrainingRate(1));
    together.push(await parallelTrainingRate(2));
  }
  return { alone: median(alone), together: median(together) };
}

/**
 * Samples/s of PyTorch's 2NN loop (`_train_torch.py`, one CPU thread) in one process and in two at
 * once (their sum), medians of alternated runs: what the machine's two cores give a training loop
 * without V8, for scale beside the ceiling.
 */
async function torchProcessRates() {
  const spec = JSON.stringify([{ name: '2nn', n: 4000, batch: BATCH, vocab: VOCAB, window: WINDOW }]);
  const script = fileURLToPath(new URL('./_train_torch.py', import.meta.url));
  const once = () =>
    new Promise((resolve, reject) => {
      const child = spawn('/usr/bin/python3', [script, spec], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) =>
        code === 0 ? resolve(JSON.parse(out)['2nn']) : reject(new Error(`PyTorch bench failed: ${err}`)),
      );
    });
  const alone = [];
  const together = [];
  for (let i = 0; i < REPS; i++) {
    alone.push(await once());
    const [a, b] = await Promise.all([once(), once()]);
    together.push(a + b);
  }
  return { alone: median(alone), together: median(together) };
}

export async function run() {
  // Before initBackend replaces it: the wasm backend's own GatherV2, for gatherRows().
  const ownGather = tf.getKernel('GatherV2', 'wasm')?.kernelFunc;
  const ownFused = tf.getKernel('_FusedMatMul', 'wasm')?.kernelFunc;
  const info = await initBackend({ log: () => undefined });
  const torch = torchSamplesPerSecond();
  const rows = [];
  for (const m of MODELS) {
    const ours = await tfjsSamplesPerSecond(m);
    const theirs = torch?.[m.name];
    rows.push([
      `${m.label}, B = ${BATCH}, ${m.n} samples`,
      `${ours.toFixed(0)} samples/s`,
      theirs === undefined
        ? 'skipped: python3-torch not installed'
        : `${theirs.toFixed(0)} samples/s (${(theirs / ours).toFixed(1)}× ours)`,
    ]);
  }
  const training = table(
    ['training, one epoch', `TF.js ${describeBackend(info)}`, 'PyTorch, 1 CPU thread'],
    rows,
  );
  const matmul = table(['product', 'speed', 'vs plain'], matMulRows());
  const transpose = table(
    ['transpose 784×200 (a Dense weight)', 'time', "vs the backend's own"],
    transposeRows(),
  );
  const gather = table(['gather', 'time', "vs the backend's own"], gatherRows(ownGather));
  const forward = table(
    ['Dense forward (fused, bias + ReLU)', 'time per call', "vs the backend's own on new weights"],
    freshWeightRows(ownFused),
  );
  const { alone, together } = await ceilingRates();
  const ceiling = together / alone;
  const pytorch = torch ? await torchProcessRates() : undefined;
  const sim = table(
    ['2NN, E = 1, B = 20', '1 thread', '2 threads', 'speed-up', 'CPU bound: 1-thread round / (its CPU / 2)'],
    [
      pytorch
        ? [
            "PyTorch's loop, one process and two at once (the cores without V8)",
            `${pytorch.alone.toFixed(0)} samples/s`,
            `${pytorch.together.toFixed(0)} samples/s`,
            `${(pytorch.together / pytorch.alone).toFixed(2)}×`,
            '',
          ]
        : ["PyTorch's loop in one and two processes: skipped, python3-torch not installed", '', '', '', ''],
      [
        'ceiling: trainLocally alone on each thread, no coordinator',
        `${alone.toFixed(0)} samples/s`,
        `${together.toFixed(0)} samples/s`,
        `${ceiling.toFixed(2)}×`,
        '',
      ],
      ...simRows(ceiling),
    ],
  );
  return {
    title: 'Local training: default backend vs PyTorch, matMul paths, sim workers',
    markdown: [training, matmul, forward, transpose, gather, sim].join('\n\n'),
  };
}
