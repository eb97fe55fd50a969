// The wasm GatherV2 replacement (packages/client/src/kernels/gather.ts): every gather it takes gives
// exactly the cpu backend's result, and the ones it leaves (batch dimensions, other dtypes, indices
// out of range) still behave as the backend's own.
import { initBackend } from '@federa/client';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { onBackend } from '../helpers/backends.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

type Dtype = 'float32' | 'int32' | 'bool';

function gathered(
  backend: string,
  shape: number[],
  dtype: Dtype,
  indices: number[],
  indicesShape: number[],
  axis: number,
  batchDims = 0,
) {
  const size = shape.reduce((n, d) => n * d, 1);
  const values = Array.from({ length: size }, (_, i) =>
    dtype === 'float32' ? i * 0.37 - 3.1 : dtype === 'int32' ? i - 7 : i % 3 === 0 ? 1 : 0,
  );
  return onBackend(backend, () =>
    tf.tidy(() => {
      const y = tf.gather(
        tf.tensor(values, shape, dtype),
        tf.tensor(indices, indicesShape, 'int32'),
        axis,
        batchDims,
      );
      return { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
    }),
  );
}

describe('wasm GatherV2 as row copies', () => {
  it('replaces the backend’s own kernel (named `gatherV2` in tfjs-backend-wasm 4.22)', () => {
    expect(tf.getKernel('GatherV2', 'wasm')?.kernelFunc.name).not.toBe('gatherV2');
  });

  const cases: Array<[string, number[], Dtype, number[], number[], number, number?]> = [
    ['a minibatch of 784-pixel rows', [50, 784], 'float32', [3, 49, 0, 3, 17], [5], 0],
    ['one-hot label rows (short rows, element copies)', [50, 10], 'float32', [7, 7, 1], [3], 0],
    ['embedding lookup, a [batch, window] index matrix', [30, 8], 'float32', [0, 29, 4, 4, 12, 5], [2, 3], 0],
    ['int32 rows', [6, 9], 'int32', [5, 0, 2], [3], 0],
    ['columns of a matrix (axis 1)', [4, 7], 'float32', [6, 0, 6, 2], [4], 1],
    ['a middle axis', [3, 5, 4], 'float32', [4, 1], [2], 1],
    ['negative axis', [3, 5, 4], 'int32', [3, 0, 3], [3], -1],
    ['scalar index', [5, 3], 'float32', [2], [], 0],
    ['no indices', [5, 3], 'float32', [], [0], 0],
    ['a 1-element axis', [1, 16], 'float32', [0, 0], [2], 0],
    // Left to the backend's own:
    ['batch dimensions', [2, 5, 3], 'float32', [4, 0, 1, 1], [2, 2], 1, 1],
    ['bool', [6, 4], 'bool', [5, 1], [2], 0],
  ];
  it.each(cases)('%s: equals the cpu backend', (_, shape, dtype, indices, indicesShape, axis, batchDims) => {
    const expected = gathered('cpu', shape, dtype, indices, indicesShape, axis, batchDims);
    const before = tf.memory().numTensors;
    expect(gathered('wasm', shape, dtype, indices, indicesShape, axis, batchDims)).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an index out of range fails as the backend’s own does, and nothing leaks', () => {
    const before = tf.memory().numTensors;
    for (const bad of [5, -1]) {
      expect(() => gathered('wasm', [5, 3], 'float32', [0, bad], [2], 0)).toThrow(
        /GatherV2: the index value -?\d+ is not in \[0, 4\]/,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
