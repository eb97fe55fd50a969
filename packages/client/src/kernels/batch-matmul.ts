import * as tf from '../tf.js';
import { type WasmKernelArgs, disposeAll, runWasmKernel } from './wasm-heap.js';

/**
 * The wasm backend's BatchMatMul runs `transposeA`/`transposeB` on a scalar loop (1.6 GFLOP/s for a
 * Dense layer's weight gradient, against 29.5 for the plain product, issue 13). Transposing first and
 * taking the plain XNNPACK path is several times faster. Of the two ways to get op(A)·op(B) from one
 * plain product, this moves the fewer elements: transpose the flagged operands, or use
 * op(A)·op(B) = (op(B)ᵀ·op(A)ᵀ)ᵀ, which transposes the unflagged ones and the result. For a Dense
 * layer's input gradient dy·Wᵀ the second moves the small dy and dx instead of the whole W.
 */
export function transposingBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args);
    const a = inputs.a!;
    const b = inputs.b!;
    const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
    const batch = Math.max(
      size(a) / (a.shape.at(-1)! * a.shape.at(-2)!),
      size(b) / (b.shape.at(-1)! * b.shape.at(-2)!),
    );
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
    const swapped = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + batch * rows * cols;
    const made: tf.TensorInfo[] = [];
    const swap = (t: tf.TensorInfo): tf.TensorInfo => {
      const out = swapLastTwo(backend, t);
      made.push(out);
      return out;
    };
    const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      original({
        inputs: { a: x, b: y },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    try {
      if (direct <= swapped) return plain(transposeA ? swap(a) : a, transposeB ? swap(b) : b);
      const product = plain(transposeB ? b : swap(b), transposeA ? a : swap(a)) as tf.TensorInfo;
      made.push(product);
      return swapLastTwo(backend, product);
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
