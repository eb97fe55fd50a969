import * as tf from '../tf.js';
import type { WasmKernelArgs } from './wasm-heap.js';

/**
 * `UnsortedSegmentSum` for wasm: the gradient of `gather`, hence of every Embedding layer. One pass
 * over the rows (the cpu kernel makes one masked sum per segment: O(segments · rows)). Ids outside
 * [0, numSegments) are dropped, as TensorFlow does.
 */
export function unsortedSegmentSum(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const segmentIds = inputs.segmentIds!;
  const { numSegments } = attrs as { numSegments: number };
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out);
  const v = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  o.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r]!;
    if (s < 0 || s >= numSegments) continue;
    const dst = s * inner;
    const src = r * inner;
    for (let j = 0; j < inner; j++) o[dst + j]! += v[src + j]!;
  }
  return out;
}
