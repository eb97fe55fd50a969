import type * as tf from '../tf.js';
import {
  type WasmKernelArgs,
  type WindowAttrs,
  convInfoOf,
  disposeAll,
  heapF32,
  plainMatMul,
  reshapeInfo,
} from './wasm-heap.js';

/** im2col buffers are built for this many images at a time, so memory stays bounded (floats). */
const MAX_COLUMN_FLOATS = 1 << 22;

/**
 * `Conv2DBackpropFilter` for wasm (the weight gradient of every Conv2D/Conv1D layer), as im2col
 * plus one plain matrix product on XNNPACK: dW[(kh,kw,ci), co] = Σ_p col[(kh,kw,ci), p] · dy[p, co]
 * over output positions p = (b, oh, ow) (Chellapilla et al. 2006). The column matrix is written
 * already transposed so the product takes the fast, untransposed path.
 */
export function conv2DBackpropFilter(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const a = attrs as unknown as WindowAttrs & { filterShape: number[] };
  const info = convInfoOf('Conv2DBackpropFilter', x.shape, a.filterShape, { ...a, dilations: 1 });
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const perImage = info.outHeight * info.outWidth;
  const imagesPerChunk = Math.max(1, Math.floor(MAX_COLUMN_FLOATS / (k * perImage)));
  const dy2d = reshapeInfo(backend, dy, [info.batchSize * perImage, info.outChannels]);
  const out = backend.makeOutput(a.filterShape, 'float32');
  heapF32(backend, out).fill(0);
  try {
    for (let b0 = 0; b0 < info.batchSize; b0 += imagesPerChunk) {
      const images = Math.min(imagesPerChunk, info.batchSize - b0);
      const cols = images * perImage;
      const colT = backend.makeOutput([k, cols], 'float32');
      const dyChunk = backend.makeOutput([cols, info.outChannels], 'float32');
      const dyAll = heapF32(backend, dy2d);
      heapF32(backend, dyChunk).set(
        dyAll.subarray(b0 * perImage * info.outChannels, (b0 + images) * perImage * info.outChannels),
      );
      fillTransposedColumns(heapF32(backend, colT), heapF32(backend, x), info, b0, images);
      const part = plainMatMul(backend, colT, dyChunk);
      const acc = heapF32(backend, out);
      const p = heapF32(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + p[i]!;
      disposeAll(backend, [colT, dyChunk, part]);
    }
  } finally {
    disposeAll(backend, [dy2d]);
  }
  return out;
}

/** colT[(kh·fw + kw)·cin + ci][p] = x[b, oh·sh + kh − top, ow·sw + kw − left, ci], 0 in the padding. */
function fillTransposedColumns(
  colT: Float32Array,
  x: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  firstImage: number,
  images: number,
): void {
  const { inHeight, inWidth, inChannels: cin, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const cols = images * outHeight * outWidth;
  let p = 0;
  for (let b = firstImage; b < firstImage + images; b++) {
    const xImage = b * inHeight * inWidth * cin;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, p++) {
        let row = 0;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            const inside = ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth;
            const src = xImage + (ih * inWidth + iw) * cin;
            for (let ci = 0; ci < cin; ci++, row++) colT[row * cols + p] = inside ? x[src + ci]! : 0;
          }
        }
      }
    }
  }
}
