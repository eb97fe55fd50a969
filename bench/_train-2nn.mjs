// The 2NN training measurement shared by Node and the browser page of bench/browser.mjs: the same
// module, bundled for the page, so both sides run identical code on identical data.
import { memory } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-layers';
import { describeBackend, initBackend, trainLocally } from '../packages/client/dist/index.js';

/** McMahan et al. 2017's MNIST 2NN (784-200-200-10): topology, weight layout, initial weights. */
function mnist2nn() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 200, activation: 'relu' }),
      tf.layers.dense({ name: 'hidden2', units: 200, activation: 'relu' }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
    ],
  });
  try {
    const values = model.getWeights();
    return {
      topologyJson: JSON.stringify(model.toJSON(undefined, false)),
      specs: model.weights.map((w, i) => ({ name: w.originalName ?? w.name, shape: values[i].shape })),
      weights: values.map((t) => t.dataSync().slice()),
    };
  } finally {
    model.dispose();
  }
}

/** Deterministic MNIST-shaped data (benchmark input, not security-relevant). */
function data(n) {
  const x = new Float32Array(n * 784);
  let s = 12345;
  for (let j = 0; j < x.length; j++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[j] = (s >>> 8) / 16777216;
  }
  const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { x, y, n, featureShape: [784], numClasses: 10 };
}

let prepared;

/** Start the backend and build model and data once; returns the backend line. */
export async function prepare({ n, wasmPaths }) {
  const info = await initBackend({ ...(wasmPaths ? { wasmPaths } : {}), log: () => undefined });
  prepared = { ...mnist2nn(), data: data(n) };
  await train(1); // warm-up: kernels compiled, memory grown
  return describeBackend(info);
}

/** One timed local training of `epochs` over the prepared data at batch size 20; samples per second. */
export async function train(epochs = 1) {
  const { topologyJson, specs, weights, data: d } = prepared;
  const before = memory().numTensors;
  const t0 = performance.now();
  await trainLocally({
    topologyJson,
    specs,
    globalWeights: weights,
    epochs,
    batchSize: 20,
    learningRate: 0.05,
    proximalMu: 0,
    data: d,
    shuffleSeed: 1,
  });
  const ms = performance.now() - t0;
  if (memory().numTensors !== before) throw new Error('trainLocally leaked tensors');
  return (d.n * epochs) / (ms / 1000);
}

globalThis.federaBench = { prepare, train };
