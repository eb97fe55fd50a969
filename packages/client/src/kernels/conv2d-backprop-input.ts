import type * as tf from '../tf.js';
import {
  type WasmKernelArgs,
  type WindowAttrs,
  convInfoOf,
  disposeAll,
  heapF32,
  runWasmKernel,
} from './wasm-heap.js';

/**
 * `Conv2DBackpropInput` for wasm (the input gradient of a Conv2D layer) as one forward convolution,
 * which the backend runs on XNNPACK: dx = conv_valid(pad(dilate(dy, strides)), rot180(W)ᵀ)
 * (Dumoulin & Visin 2016, §4). The backend's own kernel is a scalar loop several times slower.
 */
export function conv2DBackpropInput(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const a = attrs as unknown as WindowAttrs & { inputShape: number[] };
  const info = convInfoOf('Conv2DBackpropInput', a.inputShape, filter.shape, { ...a, dilations: 1 });
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight, strideWidth } = info;
  const padH = inHeight + fh - 1;
  const padW = inWidth + fw - 1;
  const spread = backend.makeOutput([batchSize, padH, padW, outChannels], 'float32');
  const flipped = backend.makeOutput([fh, fw, outChannels, inChannels], 'float32');
  const s = heapF32(backend, spread);
  s.fill(0);
  const y = heapF32(backend, dy);
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const src = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        const dst = ((b * padH + oh * strideHeight + top) * padW + ow * strideWidth + left) * outChannels;
        s.set(y.subarray(src, src + outChannels), dst);
      }
    }
  }
  const w = heapF32(backend, filter);
  const f = heapF32(backend, flipped);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const from = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * inChannels * outChannels;
      const to = (kh * fw + kw) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) {
          f[to + co * inChannels + ci] = w[from + ci * outChannels + co]!;
        }
      }
    }
  }
  try {
    return runWasmKernel(
      'Conv2D',
      backend,
      { x: spread, filter: flipped },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 },
    );
  } finally {
    disposeAll(backend, [spread, flipped]);
  }
}
