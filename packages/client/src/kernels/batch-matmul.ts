import type * as tf from '../tf.js';
import { type WasmKernelArgs, disposeAll, runWasmKernel } from './wasm-heap.js';

/**
 * The wasm backend's BatchMatMul runs `transposeA`/`transposeB` on a scalar loop (1.6 GFLOP/s for a
 * Dense layer's weight gradient, against 29.5 for the plain product, issue 13); transposing the
 * operand first and taking the plain XNNPACK path is several times faster. Dense backward passes
 * are exactly these two products.
 */
export function transposingBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args);
    const made: tf.TensorInfo[] = [];
    const operand = (t: tf.TensorInfo, transpose: boolean): tf.TensorInfo => {
      if (!transpose) return t;
      const out = swapLastTwo(backend, t);
      made.push(out);
      return out;
    };
    try {
      return original({
        inputs: { a: operand(inputs.a!, transposeA), b: operand(inputs.b!, transposeB) },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      disposeAll(backend, made);
    }
  };
}

function swapLastTwo(backend: WasmKernelArgs['backend'], x: tf.TensorInfo): tf.TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return runWasmKernel('Transpose', backend, { x }, { perm });
}
