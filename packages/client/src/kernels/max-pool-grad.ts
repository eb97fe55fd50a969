import * as tf from '../tf.js';
import { type WasmKernelArgs, type WindowAttrs, heapF32 } from './wasm-heap.js';

/**
 * `MaxPoolGrad` for wasm: each output's gradient goes to the first maximum of its window, as on the
 * cpu backend and in TensorFlow. The backend's own kernel (4.22) loses gradients in windows whose
 * values are negative (the conformance suite shows it), which any pooling before a ReLU has.
 */
export function maxPoolGrad(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const input = inputs.input!;
  const a = attrs as unknown as WindowAttrs & { filterSize: [number, number] | number };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = heapF32(backend, out);
  dx.fill(0);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * strideHeight - top);
      const h1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * strideWidth - left);
        const w1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
        const yOffset = ((b * outHeight + oh) * outWidth + ow) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const i = ((b * inHeight + h) * inWidth + w) * c + ch;
              if (x[i]! > best) {
                best = x[i]!;
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + g[yOffset + ch]!;
        }
      }
    }
  }
  return out;
}
