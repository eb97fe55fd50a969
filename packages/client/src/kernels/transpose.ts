import type * as tf from '../tf.js';
import { heapTranspose } from './heap-transpose.js';
import type { WasmKernelArgs } from './wasm-heap.js';

/**
 * Axes of `shape` under `perm` with size-1 axes dropped and runs of axes that stay adjacent and in
 * order merged: a [b, r, c] → [b, c, r] transpose becomes [b, r, c] with perm [0, 2, 1], and
 * [a, b, c] → [c, a, b] becomes the matrix [a·b, c] with perm [1, 0].
 */
export function collapseAxes(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of output axes whose input axes are consecutive, each run one merged axis.
  const runs: number[][] = [];
  for (const axis of kept) {
    const last = runs.at(-1);
    if (last && last.at(-1)! + 1 === axis) last.push(axis);
    else runs.push([axis]);
  }
  const byInput = [...runs].sort((x, y) => x[0]! - y[0]!);
  return {
    shape: byInput.map((run) => run.reduce((n, axis) => n * shape[axis]!, 1)),
    perm: runs.map((run) => byInput.indexOf(run)),
  };
}

/**
 * Transpose for wasm: matrix and batched-matrix transposes (after {@link collapseAxes}) of 4-byte
 * elements run on the SIMD heap kernel; any other permutation, and any backend the kernel cannot
 * attach to, goes to the backend's own.
 */
export function fastTranspose(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x!;
    const { perm } = attrs as { perm: number[] };
    const kernel = x.dtype === 'float32' || x.dtype === 'int32' ? heapTranspose(backend) : undefined;
    const collapsed = collapseAxes(x.shape, perm);
    const matrix = collapsed.perm.length === 2;
    const batched = collapsed.perm.length === 3 && collapsed.perm[0] === 0 && collapsed.perm[1] === 2;
    if (!kernel || !(matrix || batched)) return original(args);
    const [batch, rows, cols] = (matrix ? [1, ...collapsed.shape] : collapsed.shape) as [
      number,
      number,
      number,
    ];
    const out = backend.makeOutput(
      perm.map((axis) => x.shape[axis]!),
      x.dtype,
    );
    const from = backend.getMemoryOffset(x.dataId);
    const to = backend.getMemoryOffset(out.dataId);
    const bytes = rows * cols * 4;
    for (let k = 0; k < batch; k++) kernel.matrix(from + k * bytes, to + k * bytes, rows, cols);
    return out;
  };
}
