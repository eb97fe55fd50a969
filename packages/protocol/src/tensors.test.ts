import type { TensorSpec } from '@federa/core';
import { isFederaError } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireTensor } from './messages.js';
import { tensorsFromWeights, weightsFromTensors } from './tensors.js';

const specs: TensorSpec[] = [
  { name: 'dense/kernel', shape: [2, 3] },
  { name: 'dense/bias', shape: [3] },
];
const weights = [new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([-0.5, 0, 0.25])];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isFederaError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a FederaError');
}

describe('tensorsFromWeights / weightsFromTensors', () => {
  it('round-trips names, shapes and values', () => {
    const tensors = tensorsFromWeights(specs, weights);
    expect(tensors.map((t) => [t.name, t.shape, t.dtype, t.data.byteLength])).toEqual([
      ['dense/kernel', [2, 3], 'float32', 24],
      ['dense/bias', [3], 'float32', 12],
    ]);
    expect(weightsFromTensors(tensors, specs)).toEqual({ specs, weights });
    expect(weightsFromTensors(tensors).weights).toEqual(weights);
  });

  it('writes little-endian float32', () => {
    const [t] = tensorsFromWeights([{ name: 'x', shape: [1] }], [new Float32Array([1])]);
    expect([...t!.data]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('reads data at an unaligned offset into an aligned copy', () => {
    const frame = new Uint8Array(1 + 12);
    frame.set(tensorsFromWeights([specs[1]!], [weights[1]!])[0]!.data, 1);
    const data = frame.subarray(1);
    const { weights: out } = weightsFromTensors([{ name: 'dense/bias', shape: [3], dtype: 'float32', data }]);
    expect(out[0]!.byteOffset % 4).toBe(0);
    expect(out[0]).toEqual(weights[1]);
    frame.fill(0);
    expect(out[0]).toEqual(weights[1]);
  });

  it('round-trips any finite values exactly (property)', () => {
    const values = fc.float32Array({ noNaN: true, noDefaultInfinity: true, maxLength: 64 });
    fc.assert(
      fc.property(values, (v) => {
        const layout = [{ name: 'v', shape: [v.length] }];
        expect(weightsFromTensors(tensorsFromWeights(layout, [v]), layout).weights[0]).toEqual(v);
      }),
    );
  });

  it('throws TypeError when the local weights do not fit the specs', () => {
    expect(() => tensorsFromWeights(specs, [weights[0]!])).toThrow(TypeError);
    expect(() => tensorsFromWeights(specs, [weights[0]!, new Float32Array(2)])).toThrow(TypeError);
  });
});

describe('weightsFromTensors rejects', () => {
  const good = () => tensorsFromWeights(specs, weights);
  const patched = (i: number, patch: Partial<WireTensor>) =>
    good().map((t, k) => (k === i ? { ...t, ...patch } : t));

  it('int32 dtype', () => {
    expect(codeOf(() => weightsFromTensors(patched(1, { dtype: 'int32' })))).toBe(
      'FEDERA_ERR_PROTO_TENSOR_DTYPE',
    );
  });

  it('byte length that does not match the shape', () => {
    const data = new Uint8Array(8);
    expect(codeOf(() => weightsFromTensors(patched(1, { data })))).toBe('FEDERA_ERR_PROTO_TENSOR_SHAPE');
    const odd = new Uint8Array(13);
    expect(codeOf(() => weightsFromTensors(patched(1, { data: odd })))).toBe('FEDERA_ERR_PROTO_TENSOR_SHAPE');
  });

  it('a different tensor count', () => {
    expect(codeOf(() => weightsFromTensors(good().slice(1), specs))).toBe('FEDERA_ERR_PROTO_TENSOR_COUNT');
    expect(codeOf(() => weightsFromTensors([], specs))).toBe('FEDERA_ERR_PROTO_TENSOR_COUNT');
  });

  it('different names or order', () => {
    expect(codeOf(() => weightsFromTensors(patched(0, { name: 'other' }), specs))).toBe(
      'FEDERA_ERR_PROTO_TENSOR_NAME',
    );
    expect(codeOf(() => weightsFromTensors(good().reverse(), specs))).toBe('FEDERA_ERR_PROTO_TENSOR_NAME');
  });

  it('a different shape with the same element count', () => {
    expect(codeOf(() => weightsFromTensors(patched(0, { shape: [3, 2] }), specs))).toBe(
      'FEDERA_ERR_PROTO_TENSOR_SHAPE',
    );
    expect(codeOf(() => weightsFromTensors(patched(0, { shape: [6] }), specs))).toBe(
      'FEDERA_ERR_PROTO_TENSOR_SHAPE',
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('%s', (bad) => {
    const poisoned = [weights[0]!, new Float32Array([0, bad, 0])];
    const tensors = tensorsFromWeights(specs, poisoned);
    expect(codeOf(() => weightsFromTensors(tensors, specs))).toBe('FEDERA_ERR_PROTO_TENSOR_NOT_FINITE');
    expect(() => weightsFromTensors(tensors, specs)).toThrow(/tensor 1 \(.*\) index 1$/);
  });
});
