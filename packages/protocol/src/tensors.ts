import type { TensorSpec, Weights } from '@federa/core';
import { allFinite, sizeOf } from '@federa/core';
import { protocolErrors } from './errors.js';
import { float32ToLeBytes, leBytesToFloat32 } from './le-float32.js';
import type { WireTensor } from './messages.js';

/** Throw TypeError unless `weights` has exactly the layout of `specs` (our own model: a programmer error). */
export function assertLayout(specs: readonly TensorSpec[], weights: Weights): void {
  if (specs.length !== weights.length) {
    throw new TypeError(`${weights.length} weight tensors for ${specs.length} specs`);
  }
  specs.forEach((spec, i) => {
    if (weights[i]!.length !== sizeOf(spec.shape)) {
      throw new TypeError(
        `tensor ${i} (${spec.name}) has ${weights[i]!.length} values, shape needs ${sizeOf(spec.shape)}`,
      );
    }
  });
}

/**
 * Local weights -> wire tensors (float32, little-endian, row-major, in `specs` order).
 *
 * @example
 * const tensors = tensorsFromWeights(specs, delta);
 * const update: WeightUpdate = { taskId, runId, round, baseVersion, numExamples, metrics: {}, tensors };
 */
export function tensorsFromWeights(specs: readonly TensorSpec[], weights: Weights): WireTensor[] {
  assertLayout(specs, weights);
  return specs.map((spec, i) => ({
    name: spec.name,
    shape: [...spec.shape],
    dtype: 'float32',
    data: float32ToLeBytes(weights[i]!),
  }));
}

function tensorError(
  code: 'FEDERA_ERR_PROTO_TENSOR_SHAPE' | 'FEDERA_ERR_PROTO_TENSOR_NAME' | 'FEDERA_ERR_PROTO_TENSOR_DTYPE',
  i: number,
  t: WireTensor,
  why: string,
) {
  return protocolErrors.create(code, `tensor ${i} (${t.name}) ${why}`, { details: { tensorIndex: i } });
}

function checkTensor(t: WireTensor, i: number, spec: TensorSpec | undefined): void {
  if (t.dtype !== 'float32') throw tensorError('FEDERA_ERR_PROTO_TENSOR_DTYPE', i, t, `is ${t.dtype}`);
  const elements = sizeOf(t.shape);
  if (t.data.byteLength !== elements * 4) {
    throw tensorError(
      'FEDERA_ERR_PROTO_TENSOR_SHAPE',
      i,
      t,
      `has ${t.data.byteLength} bytes, shape needs ${elements * 4}`,
    );
  }
  if (spec === undefined) return;
  if (t.name !== spec.name) throw tensorError('FEDERA_ERR_PROTO_TENSOR_NAME', i, t, `expected ${spec.name}`);
  const sameShape = t.shape.length === spec.shape.length && t.shape.every((d, k) => d === spec.shape[k]);
  if (!sameShape) {
    throw tensorError('FEDERA_ERR_PROTO_TENSOR_SHAPE', i, t, `shape [${t.shape}] expected [${spec.shape}]`);
  }
}

/**
 * Wire tensors -> aligned Float32Arrays, validating everything a peer could get wrong: dtype float32,
 * byte length = product(shape) * 4, and with `expected`: the same count, names and shapes in order.
 * All values must be finite. Throws FederaError FEDERA_ERR_PROTO_TENSOR_{DTYPE,SHAPE,NAME,COUNT,NOT_FINITE}.
 *
 * @example
 * const { weights } = weightsFromTensors(update.tensors, model.specs);
 */
export function weightsFromTensors(
  tensors: readonly WireTensor[],
  expected?: readonly TensorSpec[],
): { specs: TensorSpec[]; weights: Weights } {
  if (expected !== undefined && tensors.length !== expected.length) {
    throw protocolErrors.create(
      'FEDERA_ERR_PROTO_TENSOR_COUNT',
      `got ${tensors.length}, expected ${expected.length}`,
    );
  }
  const specs: TensorSpec[] = [];
  const weights: Weights = [];
  tensors.forEach((t, i) => {
    checkTensor(t, i, expected?.[i]);
    const values = leBytesToFloat32(t.data);
    // The branch-free screen (half the time of a per-value test); the index is sought only on failure.
    if (!allFinite(values)) {
      const j = values.findIndex((v) => !Number.isFinite(v));
      throw protocolErrors.create(
        'FEDERA_ERR_PROTO_TENSOR_NOT_FINITE',
        `tensor ${i} (${t.name}) index ${j}`,
        {
          details: { tensorIndex: i },
        },
      );
    }
    specs.push({ name: t.name, shape: [...t.shape] });
    weights.push(values);
  });
  return { specs, weights };
}
