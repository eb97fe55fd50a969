import * as tf from '../tf.js';
import type { WasmKernelArgs } from './wasm-heap.js';

/** Rows this long or longer are moved with one `copyWithin`; shorter ones element by element. */
const ROW_COPY_MIN = 8;

/**
 * GatherV2 for wasm as row copies on the heap. The backend's own (4.22) works element by element and
 * allocates per element (~10 % of a 2NN training step, where every minibatch is a gather of rows;
 * embeddings gather too). Takes 4-byte elements (float32, int32) with int32 indices and no batch
 * dimensions; any other case, and any index out of range, goes to the backend's own, which says what
 * is wrong.
 */
export function fastGather(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x!;
    const indices = inputs.indices!;
    const { axis, batchDims } = attrs as { axis: number; batchDims?: number };
    const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
    if ((batchDims ?? 0) !== 0 || !fourBytes || indices.dtype !== 'int32') return original(args);
    const [at] = tf.util.parseAxisParam(axis, x.shape) as [number];
    const dim = x.shape[at]!;
    const picked = (backend.typedArrayFromHeap(indices) as Int32Array).slice();
    for (let k = 0; k < picked.length; k++) if (!(picked[k]! >= 0 && picked[k]! < dim)) return original(args);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, at));
    const inner = tf.util.sizeFromShape(x.shape.slice(at + 1));
    const out = backend.makeOutput(
      [...x.shape.slice(0, at), ...indices.shape, ...x.shape.slice(at + 1)],
      x.dtype,
    );
    if (outer * picked.length * inner === 0) return out;
    // Taken after makeOutput, which may grow (and so replace) the heap; bits are copied, whatever the dtype.
    const heap = new Int32Array((backend.typedArrayFromHeap(out) as Int32Array).buffer);
    const from = backend.getMemoryOffset(x.dataId) / 4;
    let to = backend.getMemoryOffset(out.dataId) / 4;
    for (let o = 0; o < outer; o++) {
      const block = from + o * dim * inner;
      for (let k = 0; k < picked.length; k++, to += inner) {
        const row = block + picked[k]! * inner;
        if (inner >= ROW_COPY_MIN) heap.copyWithin(to, row, row + inner);
        else for (let j = 0; j < inner; j++) heap[to + j] = heap[row + j]!;
      }
    }
    return out;
  };
}
