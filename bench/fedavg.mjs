// Streaming FedAvg (StreamingWeightedMean) vs a naive weighted average over held updates, same run, same data.
import {
  StreamingWeightedMean,
  assertWeightsMatch,
  paramCount,
  sizeOf,
} from '../packages/core/dist/index.js';
import { MB, PeakMemory, fmt, hasGc, median, table, timeInterleaved } from './_measure.mjs';

/** The MNIST CNN of McMahan et al. 2017 (2 conv + 2 dense): 1,663,370 parameters. */
export const MCMAHAN_CNN = [
  { name: 'conv1/kernel', shape: [5, 5, 1, 32] },
  { name: 'conv1/bias', shape: [32] },
  { name: 'conv2/kernel', shape: [5, 5, 32, 64] },
  { name: 'conv2/bias', shape: [64] },
  { name: 'dense1/kernel', shape: [3136, 512] },
  { name: 'dense1/bias', shape: [512] },
  { name: 'dense2/kernel', shape: [512, 10] },
  { name: 'dense2/bias', shape: [10] },
];

const UPDATES = 100;
const POOL = 10;

/** Deterministic pseudo-random deltas in [-0.01, 0.01] (benchmark data, not security-relevant). */
function randomUpdate(seed) {
  let s = seed >>> 0 || 1;
  return MCMAHAN_CNN.map((spec) => {
    const t = new Float32Array(sizeOf(spec.shape));
    for (let j = 0; j < t.length; j++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      t[j] = ((s >>> 0) / 4294967296 - 0.5) * 0.02;
    }
    return t;
  });
}

/** Examples per client, as FedAvg weights: 50..649, deterministic. */
const weightOf = (k) => 50 + ((k * 379) % 600);

/** Textbook weighted average: hold all updates, then sum w_k * u_k into a float32 output and divide. */
function naiveWeightedMean(held) {
  const total = held.reduce((s, _, k) => s + weightOf(k), 0);
  return MCMAHAN_CNN.map((spec, t) => {
    const out = new Float32Array(sizeOf(spec.shape));
    for (let k = 0; k < held.length; k++) {
      const u = held[k][t];
      const w = weightOf(k);
      for (let j = 0; j < out.length; j++) out[j] += w * u[j];
    }
    for (let j = 0; j < out.length; j++) out[j] /= total;
    return out;
  });
}

function streamingWeightedMean(pool, onStep = () => {}) {
  const mean = new StreamingWeightedMean(MCMAHAN_CNN);
  onStep();
  for (let k = 0; k < UPDATES; k++) {
    mean.add(pool[k % POOL], weightOf(k)); // as each update arrives; nothing else is held
    onStep();
  }
  const result = mean.finish();
  onStep();
  return result;
}

/** The first StreamingWeightedMean.add, kept as a same-run baseline: full assertWeightsMatch, then a plain float64 loop. */
function plainAdd(sums, delta, weight) {
  assertWeightsMatch(MCMAHAN_CNN, delta);
  for (let i = 0; i < sums.length; i++) {
    const acc = sums[i];
    const d = delta[i];
    for (let j = 0; j < acc.length; j++) acc[j] = acc[j] + weight * d[j];
  }
}

function plainLoopStreamingMean(pool) {
  const sums = MCMAHAN_CNN.map((spec) => new Float64Array(sizeOf(spec.shape)));
  let total = 0;
  for (let k = 0; k < UPDATES; k++) {
    plainAdd(sums, pool[k % POOL], weightOf(k));
    total += weightOf(k);
  }
  const inv = 1 / total;
  return sums.map((acc) => {
    const out = new Float32Array(acc.length);
    for (let j = 0; j < acc.length; j++) out[j] = acc[j] * inv;
    return out;
  });
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let t = 0; t < a.length; t++)
    for (let j = 0; j < a[t].length; j++) m = Math.max(m, Math.abs(a[t][j] - b[t][j]));
  return m;
}

export async function run() {
  const params = paramCount(MCMAHAN_CNN);
  const bytesRead = UPDATES * params * 4;
  const pool = Array.from({ length: POOL }, (_, i) => randomUpdate(0x9e3779b9 * (i + 1)));

  // Memory: peak growth above a post-GC baseline, each method on its own.
  const streamMem = await PeakMemory.start();
  const streamed = streamingWeightedMean(pool, () => streamMem.sample());
  const naiveMem = await PeakMemory.start();
  let held = Array.from({ length: UPDATES }, (_, k) => pool[k % POOL].map((t) => t.slice()));
  naiveMem.sample();
  const naive = naiveWeightedMean(held);
  naiveMem.sample();
  const disagreement = maxAbsDiff(streamed, naive);
  const optimisationDrift = maxAbsDiff(streamed, plainLoopStreamingMean(pool));

  // Time: only the aggregation; the naive method's 100 held copies are made once, outside the timing.
  const { streamMs, naiveMs, plainMs } = timeInterleaved({
    streamMs: () => streamingWeightedMean(pool),
    naiveMs: () => naiveWeightedMean(held),
    plainMs: () => plainLoopStreamingMean(pool),
  });
  held = undefined;

  const row = (name, samples, mem, holds) => [
    name,
    fmt(median(samples)),
    fmt(Math.min(...samples)),
    fmt(bytesRead / 1e9 / (median(samples) / 1e3), 2),
    mem ? fmt(mem.arrayBuffers / MB) : 'as streaming',
    mem ? fmt(mem.rss / MB) : 'as streaming',
    holds,
  ];
  const markdown = [
    `${UPDATES} updates x ${params.toLocaleString('en-US')} float32 parameters (McMahan et al. 2017 MNIST CNN); ` +
      `${fmt(bytesRead / 1e6, 0)} MB of update data read per aggregation. Median and min of ${streamMs.length} ` +
      `interleaved runs after 2 warm-up rounds. Peak extra memory is the growth of \`arrayBuffers\` / RSS above a post-GC baseline` +
      (hasGc ? '.' : ' (**run without --expose-gc: memory figures unreliable**).'),
    '',
    table(
      ['method', 'median ms', 'min ms', 'GB/s', 'peak extra arrayBuffers MiB', 'peak extra RSS MiB', 'holds'],
      [
        row(
          'StreamingWeightedMean (float64 acc., validates each update)',
          streamMs,
          streamMem,
          'accumulator + result',
        ),
        row('naive (hold 100, float32 sum)', naiveMs, naiveMem, '100 updates + result'),
        row('baseline: first StreamingWeightedMean (plain loops)', plainMs, null, 'accumulator + result'),
      ],
    ),
    '',
    `Streaming / naive time: ${fmt(median(streamMs) / median(naiveMs), 2)}x. ` +
      `Max |streaming - naive| over all parameters: ${disagreement.toExponential(2)} ` +
      `(float32 vs float64 accumulation). Optimised vs first StreamingWeightedMean: ` +
      `${fmt(median(plainMs) / median(streamMs), 2)}x faster, max difference ${optimisationDrift} (bit-identical when 0).`,
  ].join('\n');
  return { title: 'Streaming FedAvg vs naive weighted average', markdown };
}
