// The wasm matrix products (packages/client/src/kernels/batch-matmul.ts): a plain product on new
// weights, taken as (bᵀ·aᵀ)ᵀ so XNNPACK packs the small operand, and the fused Dense forward built on
// it give the cpu backend's values, the same values as the backend's own path on the second use of
// the weights, and free every intermediate; the cases it leaves to the backend still work.
import { initBackend } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { onBackend } from '../helpers/backends.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/** Deterministic values in about [-1, 1]. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 8388608 - 1;
  });
}

const tensor = (shape: number[], seed: number) =>
  tf.tensor(
    values(
      shape.reduce((n, d) => n * d, 1),
      seed,
    ),
    shape,
  );

type Product = (a: tf.Tensor, b: tf.Tensor, bias?: tf.Tensor) => tf.Tensor;

/** `product` on the cpu backend and twice on wasm, with the same weights tensor both times. */
function onBoth(shapes: { a: number[]; b: number[]; bias?: number[] }, product: Product) {
  const make = () => ({
    a: tensor(shapes.a, 1),
    b: tensor(shapes.b, 2),
    bias: shapes.bias ? tensor(shapes.bias, 3) : undefined,
  });
  const cpu = onBackend('cpu', () =>
    tf.tidy(() => {
      const { a, b, bias } = make();
      return product(a, b, bias).dataSync().slice();
    }),
  );
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const { first, second, shape } = tf.tidy(() => {
    const { a, b, bias } = make();
    const y1 = product(a, b, bias);
    return { first: y1.dataSync().slice(), second: product(a, b, bias).dataSync().slice(), shape: y1.shape };
  });
  return {
    cpu,
    first,
    second,
    shape,
    leakedTensors: tf.memory().numTensors - before,
    leakedData: tf.engine().backend.numDataIds() - dataIds,
  };
}

function expectClose(actual: tf.TypedArray, expected: tf.TypedArray, tolerance = 1e-4) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  expect(worst).toBeLessThan(tolerance);
}

describe('wasm products on new weights', () => {
  const plain: Array<[string, number[], number[]]> = [
    ['a Dense forward, 20×784 · 784×200 (swapped on first use)', [20, 784], [784, 200]],
    ['a hidden layer, 20×200 · 200×200 (swapped on first use)', [20, 200], [200, 200]],
    ['an output layer, 20×200 · 200×10 (left to the backend: b is small)', [20, 200], [200, 10]],
    ['rank 3 with one matrix each (swapped)', [1, 7, 16], [1, 16, 40]],
    ['a rank-2 a with a one-matrix rank-3 b (swapped)', [6, 9], [1, 9, 30]],
    ['batched, 3 matrices (left to the backend)', [3, 4, 8], [3, 8, 24]],
    ['one row', [1, 64], [64, 32]],
  ];
  for (const [name, a, b] of plain) {
    it(`plain matMul: ${name}`, () => {
      const r = onBoth({ a, b }, (x, w) => tf.matMul(x, w));
      expectClose(r.first, r.cpu);
      // The second use finds the XNNPACK operator the backend made for b: the same values.
      expect(r.second).toEqual(r.first);
      expect(r.leakedTensors).toBe(0);
      expect(r.leakedData).toBe(0);
    });
  }

  it('transposed products keep their results (the routing through an explicit transpose)', () => {
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const r = onBoth({ a: ta ? [784, 20] : [20, 784], b: tb ? [200, 784] : [784, 200] }, (x, w) =>
        tf.matMul(x, w, ta, tb),
      );
      expect(r.shape).toEqual([20, 200]);
      expectClose(r.first, r.cpu);
      expect(r.leakedData).toBe(0);
    }
  });

  const fused: Array<[string, tf.fused.Activation | undefined, boolean]> = [
    ['bias, linear', 'linear', true],
    ['bias, relu', 'relu', true],
    ['no bias, relu6', 'relu6', false],
    ['bias, elu (left to the backend)', 'elu', true],
    ['no activation given', undefined, true],
  ];
  for (const [name, activation, withBias] of fused) {
    it(`fused matMul (a Dense layer's forward), ${name}`, () => {
      const r = onBoth({ a: [20, 300], b: [300, 120], bias: withBias ? [120] : undefined }, (x, w, bias) =>
        tf.fused.matMul({ a: x, b: w, bias, activation }),
      );
      expect(r.shape).toEqual([20, 120]);
      expectClose(r.first, r.cpu);
      // XNNPACK starts each sum at the bias; the swapped forward adds it after: rounding apart only.
      expectClose(r.second, r.first, 1e-5);
      expect(r.leakedTensors).toBe(0);
      expect(r.leakedData).toBe(0);
    });
  }

  it('a Dense layer trains the same through the swapped forward (gradients against cpu)', () => {
    const grads = (backend: string) =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const x = tensor([20, 100], 4);
          const w = tensor([100, 64], 5);
          const bias = tensor([64], 6);
          const g = tf.grads((wt: tf.Tensor, bt: tf.Tensor) =>
            tf.sum(tf.square(tf.fused.matMul({ a: x, b: wt, bias: bt, activation: 'relu' }))),
          )([w, bias]);
          return g.map((t) => t.dataSync().slice());
        }),
      );
    const [cpuW, cpuB] = grads('cpu');
    const [wasmW, wasmB] = grads('wasm');
    expectClose(wasmW!, cpuW!, 1e-3);
    expectClose(wasmB!, cpuB!, 1e-3);
  });
});
