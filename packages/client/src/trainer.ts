import { type Rng, type TensorSpec, type Weights, seededRng, shuffleInPlace } from '@federa/core';
import * as tf from './tf.js';
import type { LocalDataset } from './dataset.js';
import { modelForGivenWeights } from './model-from-topology.js';
import { yieldClock } from './yield.js';

/** Everything local training needs for one task. */
export interface TrainingJob {
  topologyJson: string;
  specs: readonly TensorSpec[];
  globalWeights: Weights;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** FedProx proximal coefficient μ (Li et al. 2020, eq. 2); 0 is plain local SGD. */
  proximalMu: number;
  data: LocalDataset;
  /** Seeds the minibatch shuffle (core's seededRng) so a run is reproducible; unseeded when absent. */
  shuffleSeed?: string | number;
}

/** What local training returns: the delta and what to report. */
export interface TrainingResult {
  /** delta = local - global, in spec order. */
  delta: Weights;
  numExamples: number;
  metrics: Record<string, number>;
}

/** Local training; replaceable (e.g. to wrap timing), the default is {@link trainLocally}. */
export type Trainer = (job: TrainingJob) => Promise<TrainingResult>;

/**
 * Train a copy of the global model on local data with minibatch SGD and
 * return the weight delta. Disposes every tensor it creates.
 */
export const trainLocally: Trainer = async (job) => {
  const model = await modelForGivenWeights(job.topologyJson);
  const optimizer = tf.train.sgd(job.learningRate);
  const { data } = job;
  const xs = tf.tensor(data.x, [data.n, ...data.featureShape], 'float32');
  const ys = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(data.y), 'int32'), data.numClasses), 'float32'),
  );
  const globals = job.globalWeights.map((w, i) => tf.tensor(w, [...job.specs[i]!.shape], 'float32'));
  try {
    model.setWeights(globals);
    const trainable = new Set(model.trainableWeights.map((w) => w.originalName ?? w.name));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const anchors = model.weights
      .map((w, i) => ({ name: w.originalName ?? w.name, t: globals[i]! }))
      .filter((a) => trainable.has(a.name))
      .map((a) => a.t);
    let lastEpochLoss = 0;
    const rng = job.shuffleSeed === undefined ? undefined : seededRng(job.shuffleSeed);
    for (let epoch = 0; epoch < job.epochs; epoch++) {
      lastEpochLoss = await runEpoch(model, optimizer, xs, ys, vars, anchors, job, rng);
    }
    const local = model.getWeights().map((t) => t.dataSync() as Float32Array);
    const delta = local.map((l, i) => {
      const g = job.globalWeights[i]!;
      const d = new Float32Array(l.length);
      for (let j = 0; j < l.length; j++) d[j] = l[j]! - g[j]!;
      return d;
    });
    return { delta, numExamples: data.n, metrics: { train_loss: lastEpochLoss } };
  } finally {
    for (const t of globals) t.dispose();
    xs.dispose();
    ys.dispose();
    optimizer.dispose();
    model.dispose();
  }
};

/** One shuffled pass; resolves the mean training loss of the epoch. */
async function runEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  xs: tf.Tensor,
  ys: tf.Tensor,
  vars: tf.Variable[],
  anchors: tf.Tensor[],
  job: TrainingJob,
  rng: Rng | undefined,
): Promise<number> {
  const n = job.data.n;
  const indices = Array.from({ length: n }, (_, i) => i);
  if (rng) shuffleInPlace(indices, rng);
  else tf.util.shuffle(indices);
  const order = Int32Array.from(indices);
  const losses: tf.Scalar[] = [];
  // Heartbeats and other frames are answered mid-epoch; the result does not depend on when.
  const maybeYield = yieldClock();
  for (let start = 0; start < n; start += job.batchSize) {
    await maybeYield();
    const idx = order.subarray(start, Math.min(n, start + job.batchSize));
    const cost = tf.tidy(() => {
      const indices = tf.tensor1d(idx, 'int32');
      const bx = tf.gather(xs, indices);
      const by = tf.gather(ys, indices);
      return optimizer.minimize(
        () => {
          const pred = model.apply(bx, { training: true }) as tf.Tensor;
          const loss = tf.mean(tf.metrics.categoricalCrossentropy(by, pred)) as tf.Scalar;
          if (job.proximalMu <= 0) return loss;
          // FedProx (Li et al. 2020): loss + μ/2 · ||w − w_global||².
          const prox = tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, anchors[i]!)))));
          return tf.add(loss, tf.mul(job.proximalMu / 2, prox)) as tf.Scalar;
        },
        true,
        vars,
      )!;
    });
    losses.push(cost);
  }
  const mean = tf.tidy(() => tf.mean(tf.stack(losses)));
  const value = (await mean.data())[0]!;
  mean.dispose();
  for (const l of losses) l.dispose();
  return value;
}
