// The wasm Transpose replacement (packages/client/src/kernels/transpose.ts): every permutation it
// takes gives exactly the cpu backend's result, and the ones it leaves go to the backend's own.
import { initBackend } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { onBackend } from '../helpers/backends.js';
import { collapseAxes } from '../../packages/client/src/kernels/transpose.js';
import { heapTranspose } from '../../packages/client/src/kernels/heap-transpose.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function transposed(backend: string, shape: number[], perm: number[], dtype: 'float32' | 'int32') {
  const size = shape.reduce((n, d) => n * d, 1);
  const values = Array.from({ length: size }, (_, i) => (dtype === 'int32' ? i - 7 : i * 0.37 - 3.1));
  return onBackend(backend, () =>
    tf.tidy(() => {
      const y = tf.transpose(tf.tensor(values, shape, dtype), perm);
      return { shape: y.shape, values: Array.from(y.dataSync()) };
    }),
  );
}

describe('wasm Transpose on the SIMD heap kernel', () => {
  it('attaches to the wasm backend in Node', () => {
    expect(heapTranspose(tf.engine().findBackend('wasm') as never)).toBeDefined();
    // initBackend replaced the backend's own kernel (named `transpose` in tfjs-backend-wasm 4.22).
    expect(tf.getKernel('Transpose', 'wasm')?.kernelFunc.name).not.toBe('transpose');
  });

  const cases: Array<[number[], number[]]> = [
    [
      [1, 1],
      [1, 0],
    ],
    [
      [4, 4],
      [1, 0],
    ],
    [
      [3, 5],
      [1, 0],
    ], // no full tile
    [
      [100, 784],
      [1, 0],
    ], // a Dense layer's input
    [
      [784, 200],
      [1, 0],
    ], // its weight
    [
      [37, 66],
      [1, 0],
    ], // edges on both sides
    [
      [2, 9, 13],
      [0, 2, 1],
    ], // batched
    [
      [3, 8, 8],
      [0, 2, 1],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ], // collapses to a 6×4 matrix
    [
      [2, 3, 4],
      [1, 2, 0],
    ], // a 2×12 matrix
    [
      [2, 1, 5, 3],
      [0, 3, 2, 1],
    ], // size-1 axis dropped: batched
    [
      [2, 3, 4, 5],
      [0, 2, 1, 3],
    ], // not a matrix transpose: the backend's own
    [
      [2, 3, 4],
      [1, 0, 2],
    ], // neither
  ];
  for (const [shape, perm] of cases) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${dtype} [${shape}] perm [${perm}]`, () => {
        const before = tf.memory().numTensors;
        expect(transposed('wasm', shape, perm, dtype)).toEqual(transposed('cpu', shape, perm, dtype));
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('collapses axes to the matrix or batched form it can run', () => {
    expect(collapseAxes([2, 3, 4], [0, 2, 1])).toEqual({ shape: [2, 3, 4], perm: [0, 2, 1] });
    expect(collapseAxes([2, 3, 4], [2, 0, 1])).toEqual({ shape: [6, 4], perm: [1, 0] });
    expect(collapseAxes([2, 1, 5, 3], [0, 3, 2, 1])).toEqual({ shape: [2, 5, 3], perm: [0, 2, 1] });
    expect(collapseAxes([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
    expect(collapseAxes([2, 3, 4, 5], [0, 2, 1, 3])).toEqual({ shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] });
  });
});
