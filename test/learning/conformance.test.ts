// Layer conformance on the default backend (issue 13): for every layer a federated model is built
// from, gradients on wasm match the cpu backend's, and one local training step through the public
// `trainLocally` runs on wasm without leaking tensors.
import { spawnSync } from 'node:child_process';
import { initBackend, trainLocally } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

/** Gradients agree when max |wasm − cpu| ≤ TOLERANCE · (1 + max |cpu|), per weight tensor. */
const TOLERANCE = 1e-4;
const CLASSES = 3;
const BATCH = 6;

interface Case {
  name: string;
  inputShape: number[];
  layers: () => tfl.layers.Layer[];
  /** Integer inputs in [0, vocab) (Embedding); otherwise uniform in [−1, 1). */
  vocab?: number;
}

const conv = (c: Record<string, unknown>) => () => [tfl.layers.conv2d({ filters: 4, kernelSize: 3, ...c })];
const CASES: Case[] = [
  { name: 'Dense', inputShape: [5], layers: () => [tfl.layers.dense({ units: 7, activation: 'relu' })] },
  {
    name: 'Conv1D',
    inputShape: [9, 3],
    layers: () => [tfl.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'relu' })],
  },
  { name: 'Conv2D valid', inputShape: [7, 7, 2], layers: conv({ padding: 'valid' }) },
  { name: 'Conv2D same', inputShape: [7, 7, 2], layers: conv({ padding: 'same', activation: 'relu' }) },
  { name: 'Conv2D strides 2 same', inputShape: [8, 7, 2], layers: conv({ padding: 'same', strides: 2 }) },
  {
    name: 'Conv2D strides [2,1] valid 5x5',
    inputShape: [9, 8, 3],
    layers: conv({ kernelSize: 5, strides: [2, 1] }),
  },
  {
    name: 'DepthwiseConv2D',
    inputShape: [7, 7, 3],
    layers: () => [tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' })],
  },
  {
    name: 'DepthwiseConv2D strides 2',
    inputShape: [8, 8, 2],
    layers: () => [tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2 })],
  },
  {
    name: 'SeparableConv2D',
    inputShape: [7, 7, 3],
    layers: () => [tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same' })],
  },
  {
    name: 'MaxPool2D + AvgPool2D',
    inputShape: [8, 8, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
    ],
  },
  {
    name: 'GlobalAveragePooling2D',
    inputShape: [6, 6, 2],
    layers: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 3 }), tfl.layers.globalAveragePooling2d({})],
  },
  {
    name: 'BatchNormalization',
    inputShape: [6, 6, 2],
    layers: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 3 }), tfl.layers.batchNormalization({})],
  },
  {
    name: 'Dropout (seeded)',
    inputShape: [8],
    layers: () => [tfl.layers.dense({ units: 6 }), tfl.layers.dropout({ rate: 0.3, seed: 7 })],
  },
  {
    name: 'Embedding',
    inputShape: [5],
    vocab: 11,
    layers: () => [tfl.layers.embedding({ inputDim: 11, outputDim: 4 })],
  },
  { name: 'SimpleRNN', inputShape: [5, 3], layers: () => [tfl.layers.simpleRNN({ units: 4 })] },
  { name: 'LSTM', inputShape: [5, 3], layers: () => [tfl.layers.lstm({ units: 4, returnSequences: true })] },
  { name: 'GRU', inputShape: [5, 3], layers: () => [tfl.layers.gru({ units: 4 })] },
  {
    name: 'Embedding + LSTM',
    inputShape: [6],
    vocab: 9,
    layers: () => [tfl.layers.embedding({ inputDim: 9, outputDim: 5 }), tfl.layers.lstm({ units: 6 })],
  },
  {
    name: 'LayerNormalization',
    inputShape: [6],
    layers: () => [tfl.layers.dense({ units: 5 }), tfl.layers.layerNormalization({})],
  },
  { name: 'Flatten/Reshape', inputShape: [12], layers: () => [tfl.layers.reshape({ targetShape: [3, 4] })] },
  ...dilatedCases(),
];

/**
 * The dilated layers, each with its reference: the same layer with the zero-inserted 5×5 filter and
 * dilation 1. tfjs-layers 4.22's DepthwiseConv2D ignores `dilationRate` (it convolves undilated), so
 * SeparableConv2D, whose depthwise step does dilate, carries DepthwiseConv2dNative with dilation 2.
 */
function dilatedCases(): (Case & { reference: Case })[] {
  const pair = (name: string, inputShape: number[], layer: (k: number, d: number) => tfl.layers.Layer) => ({
    name,
    inputShape,
    layers: () => [layer(3, 2)],
    reference: { name: `${name} (reference)`, inputShape, layers: () => [layer(5, 1)] },
  });
  return [
    pair('Conv2D dilation 2 same', [9, 9, 2], (k, d) =>
      tfl.layers.conv2d({ filters: 4, kernelSize: k, dilationRate: d, padding: 'same' }),
    ),
    pair('Conv2D dilation 2 valid', [9, 8, 2], (k, d) =>
      tfl.layers.conv2d({ filters: 4, kernelSize: k, dilationRate: d, padding: 'valid', activation: 'relu' }),
    ),
    pair('SeparableConv2D dilation 2 (DepthwiseConv2D)', [9, 9, 3], (k, d) =>
      tfl.layers.separableConv2d({
        filters: 4,
        kernelSize: k,
        dilationRate: d,
        depthMultiplier: 2,
        padding: 'same',
      }),
    ),
  ];
}

/** A model: the case's layers, then (if needed) Flatten and a softmax head, so categorical cross-entropy applies. */
function topologyOf(c: Case): string {
  const model = tfl.sequential({
    layers: [tfl.layers.inputLayer({ inputShape: c.inputShape }), ...c.layers()],
  });
  try {
    if (model.outputs[0]!.shape.length > 2) model.add(tfl.layers.flatten({}));
    model.add(tfl.layers.dense({ units: CLASSES, activation: 'softmax' }));
    return JSON.stringify(model.toJSON(undefined, false));
  } finally {
    model.dispose();
  }
}

/** Deterministic values, so both backends see the same data and weights. */
function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

interface Fixture {
  topology: string;
  x: Float32Array;
  labels: Int32Array;
  weights: { name: string; shape: number[]; values: Float32Array }[];
}

async function fixtureOf(c: Case): Promise<Fixture> {
  const topology = topologyOf(c);
  const width = c.inputShape.reduce((a, b) => a * b, 1);
  const raw = values(BATCH * width, 11);
  const x = c.vocab ? raw.map((v) => Math.floor(((v + 1) / 2) * c.vocab!)) : raw;
  const labels = Int32Array.from({ length: BATCH }, (_, i) => i % CLASSES);
  const model = await buildModel(topology);
  const weights = model.weights.map((w, i) => ({
    name: w.originalName ?? w.name,
    shape: w.shape as number[],
    // Moving variances must stay positive; everything else gets the same seeded values.
    values: /moving_variance/.test(w.name)
      ? values(tf.util.sizeFromShape(w.shape as number[]), 100 + i).map((v) => 1 + Math.abs(v))
      : values(tf.util.sizeFromShape(w.shape as number[]), 100 + i, 0.5),
  }));
  model.dispose();
  return { topology, x, labels, weights };
}

function buildModel(topology: string): Promise<tfl.LayersModel> {
  return tfl.models.modelFromJSON({ modelTopology: JSON.parse(topology) });
}

/** Loss and the gradient of every trainable weight, on `backend`, in training mode. */
async function gradientsOn(backend: string, c: Case, f: Fixture): Promise<Float32Array[]> {
  tf.setBackend(backend);
  const model = await buildModel(f.topology);
  try {
    const initial = f.weights.map((w) => tf.tensor(w.values, w.shape));
    model.setWeights(initial);
    tf.dispose(initial);
    const grads = tf.tidy(() => {
      const xs = tf.tensor(f.x, [BATCH, ...c.inputShape]);
      const ys = tf.oneHot(tf.tensor1d(f.labels, 'int32'), CLASSES);
      const { grads } = tf.variableGrads(
        () => {
          const pred = model.apply(xs, { training: true }) as tf.Tensor;
          return tf.mean(tfl.metrics.categoricalCrossentropy(tf.cast(ys, 'float32'), pred)) as tf.Scalar;
        },
        model.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      return Object.values(grads);
    });
    const out = grads.map((g) => g.dataSync() as Float32Array);
    tf.dispose(grads);
    return out;
  } finally {
    model.dispose();
  }
}

/** Per tensor, `actual` matches `expected` (not all zero) within TOLERANCE · (1 + max |expected|). */
function expectGradientsClose(actual: Float32Array[], expected: Float32Array[], what: string): void {
  expect(actual.length).toBe(expected.length);
  expect(expected.length).toBeGreaterThan(0);
  for (let i = 0; i < expected.length; i++) {
    const a = expected[i]!;
    const b = actual[i]!;
    expect(b.length, `gradient ${i}: size`).toBe(a.length);
    let scale = 0;
    let diff = 0;
    for (let j = 0; j < a.length; j++) {
      scale = Math.max(scale, Math.abs(a[j]!));
      diff = Math.max(diff, Math.abs(a[j]! - b[j]!));
    }
    expect(scale, `gradient ${i} is not all zero`).toBeGreaterThan(0);
    expect(diff, `gradient ${i}: max |${what}|`).toBeLessThanOrEqual(TOLERANCE * (1 + scale));
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('layer conformance: gradients on the default backend (wasm) match cpu', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const f = await fixtureOf(c);
      const cpu = await gradientsOn('cpu', c, f);
      const wasm = await gradientsOn('wasm', c, f);
      expectGradientsClose(wasm, cpu, 'wasm − cpu');
    });
  }
});

describe('layer conformance: one trainLocally step on wasm', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      tf.setBackend('wasm');
      const f = await fixtureOf(c);
      const job = {
        topologyJson: f.topology,
        specs: f.weights.map((w) => ({ name: w.name, shape: w.shape })),
        globalWeights: f.weights.map((w) => w.values),
        epochs: 1,
        batchSize: 3,
        learningRate: 0.1,
        proximalMu: 0,
        shuffleSeed: 1,
        data: { x: f.x, y: f.labels, n: BATCH, featureShape: c.inputShape, numClasses: CLASSES },
      };
      const first = await trainLocally(job);
      const tensors = tf.memory().numTensors;
      const second = await trainLocally(job);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(second.delta).toEqual(first.delta);
      expect(Number.isFinite(first.metrics.train_loss)).toBe(true);
      expect(first.delta.every((d) => d.every(Number.isFinite))).toBe(true);
      expect(first.delta.some((d) => d.some((v) => v !== 0))).toBe(true);
    });
  }
});

// A dilated convolution is the undilated one with the zero-inserted filter (Yu & Koltun 2016), so
// these references never differentiate a dilated convolution: tfjs's own undilated gradient on cpu.
describe('dilated convolutions: gradients equal the zero-inserted filter’s, on cpu and wasm', () => {
  for (const c of dilatedCases()) {
    it(`${c.name}: every weight's loss gradient`, async () => {
      const f = await fixtureOf(c);
      // The reference model's weights are the fixture's, each 3×3 kernel zero-inserted to 5×5.
      const ref: Fixture = {
        ...(await fixtureOf(c.reference)),
        x: f.x,
        labels: f.labels,
        weights: f.weights.map((w) => (isDilatedKernel(w.shape) ? zeroInserted(w) : w)),
      };
      // Every weight of these layers is trainable, so gradient i is weight i's.
      const expected = (await gradientsOn('cpu', c.reference, ref)).map((g, i) => {
        const w = f.weights[i]!;
        return isDilatedKernel(w.shape) ? everyOtherTap(g, ref.weights[i]!.shape) : g;
      });
      for (const backend of ['cpu', 'wasm']) {
        expectGradientsClose(await gradientsOn(backend, c, f), expected, `${backend} − reference`);
      }
    });
  }

  const OPS = [
    { name: 'conv2d same', depthwise: false, filter: [3, 3, 3, 4], pad: 'same', dilations: [2, 2] },
    { name: 'conv2d valid', depthwise: false, filter: [3, 3, 3, 4], pad: 'valid', dilations: [2, 2] },
    {
      name: 'conv2d valid, dilations [2, 3]',
      depthwise: false,
      filter: [3, 2, 3, 4],
      pad: 'valid',
      dilations: [2, 3],
    },
    { name: 'depthwiseConv2d same', depthwise: true, filter: [3, 3, 3, 2], pad: 'same', dilations: [2, 2] },
    { name: 'depthwiseConv2d valid', depthwise: true, filter: [3, 3, 3, 2], pad: 'valid', dilations: [2, 2] },
  ] as const;
  for (const op of OPS) {
    it(`${op.name}: output, input gradient and filter gradient`, async () => {
      const xShape = [2, 11, 10, 3];
      const x = values(tf.util.sizeFromShape(xShape), 1);
      const w: Filter = {
        shape: [...op.filter],
        values: values(tf.util.sizeFromShape([...op.filter]), 2, 0.5),
      };
      const wide = zeroInserted(w, op.dilations);
      const run = (backend: string, filter: Filter, dilations: [number, number]) => {
        tf.setBackend(backend);
        return tf.tidy(() => {
          const conv = (xs: tf.Tensor, ws: tf.Tensor) =>
            op.depthwise
              ? tf.depthwiseConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, op.pad, 'NHWC', dilations)
              : tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, op.pad, 'NHWC', dilations);
          const xs = tf.tensor(x, xShape);
          const ws = tf.tensor(filter.values, filter.shape);
          const y = conv(xs, ws);
          // An upstream gradient that is not all ones: loss = Σ y ⊙ r.
          const r = tf.tensor(values(y.size, 3), y.shape);
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([xs, ws]);
          return [y, dx!, dw!].map((t) => t.dataSync() as Float32Array);
        });
      };
      const [y, dx, dwWide] = run('cpu', wide, [1, 1]) as [Float32Array, Float32Array, Float32Array];
      const expected = [y, dx, everyOtherTap(dwWide, wide.shape, op.dilations)];
      for (const backend of ['cpu', 'wasm']) {
        expectGradientsClose(run(backend, w, [...op.dilations]), expected, `${backend} − reference`);
      }
    });
  }
});

/** The kernels a dilated case dilates: 3×3 (Conv2D's, SeparableConv2D's depthwise), not 1×1 or biases. */
function isDilatedKernel(shape: number[]): boolean {
  return shape.length === 4 && shape[0] === 3 && shape[1] === 3;
}

type Filter = { name?: string; shape: number[]; values: Float32Array };

/** The filter with d − 1 zero taps between neighbouring taps, built value by value. */
function zeroInserted(w: Filter, [dh, dw]: readonly [number, number] = [2, 2]): Fixture['weights'][number] {
  const [kh, kw, a, b] = w.shape as [number, number, number, number];
  const shape = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b];
  const out = new Float32Array(tf.util.sizeFromShape(shape));
  const depth = a * b;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = (i * kw + j) * depth;
      out.set(w.values.subarray(from, from + depth), (i * dh * shape[1]! + j * dw) * depth);
    }
  }
  return { name: w.name ?? 'filter', shape, values: out };
}

/** The taps of a zero-inserted filter's gradient that are the original filter's: every d-th. */
function everyOtherTap(
  g: Float32Array,
  [rows, cols, a, b]: number[],
  [dh, dw]: readonly [number, number] = [2, 2],
): Float32Array {
  const depth = a! * b!;
  const kh = (rows! - 1) / dh + 1;
  const kw = (cols! - 1) / dw + 1;
  const out = new Float32Array(kh * kw * depth);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = (i * dh * cols! + j * dw) * depth;
      out.set(g.subarray(from, from + depth), (i * kw + j) * depth);
    }
  }
  return out;
}

describe('dilated convolutions on a backend other than wasm', () => {
  it('train through trainLocally when the client starts on cpu (a fresh process)', () => {
    // The gradients are registered by initBackend whatever backend it picks, not only with wasm.
    const script = `
      import { initBackend, trainLocally } from '@federa/client';
      import * as tfl from '@tensorflow/tfjs-layers';
      await initBackend({ backend: 'cpu', log: () => {} });
      const model = tfl.sequential({ layers: [
        tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }),
        tfl.layers.flatten(), tfl.layers.dense({ units: 3, activation: 'softmax' }) ] });
      const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape }));
      const globalWeights = model.getWeights().map((t) => t.dataSync().slice());
      const n = 6;
      const result = await trainLocally({
        topologyJson: JSON.stringify(model.toJSON(undefined, false)), specs, globalWeights,
        epochs: 1, batchSize: 3, learningRate: 0.1, proximalMu: 0, shuffleSeed: 1,
        data: { x: Float32Array.from({ length: n * 162 }, (_, i) => Math.sin(i)), y: Uint8Array.from([0, 1, 2, 0, 1, 2]),
                n, featureShape: [9, 9, 2], numClasses: 3 },
      });
      console.log(result.delta.some((d) => d.some((v) => v !== 0)) ? 'trained' : 'no change');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('trained');
  }, 60_000);
});
