import type * as tf from '../tf.js';
import { type WasmKernelArgs, type WindowAttrs, convInfoOf, heapF32 } from './wasm-heap.js';

/**
 * Visit every (image, output pixel, filter tap) that lands inside the input, with the flat offsets
 * of the input pixel, the output pixel and the tap (each times its channel count). Depthwise work is
 * O(pixels · taps · channels), a few percent of a network's FLOPs, so a tight scalar loop suffices.
 */
function forEachTap(
  info: tf.backend_util.Conv2DInfo,
  visit: (xOffset: number, yOffset: number, tap: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const yOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - left;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * inChannels, yOffset, kh * filterWidth + kw);
          }
        }
      }
    }
  }
}

/**
 * A zeroed output of `outShape`, into which `accumulate` adds at every tap, given the flat offsets of
 * the input pixel (channel o / M), the output pixel (channel o) and the tap's filter weights.
 */
function depthwise(
  args: WasmKernelArgs,
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  outShape: readonly number[],
  /** Called once the output exists (heap views taken before an allocation may be stale). */
  accumulate: (out: Float32Array) => (x: number, y: number, w: number, cout: number, mult: number) => void,
): tf.TensorInfo {
  const { backend, attrs } = args;
  const info = convInfoOf(kernel, xShape, filterShape, attrs as unknown as WindowAttrs, true);
  const out = backend.makeOutput([...outShape], 'float32');
  const o = heapF32(backend, out);
  o.fill(0);
  const cout = info.outChannels;
  const mult = cout / info.inChannels;
  const visit = accumulate(o);
  forEachTap(info, (xo, yo, tap) => visit(xo, yo, tap * cout, cout, mult));
  return out;
}

/** `DepthwiseConv2dNativeBackpropFilter` for wasm: dW[kh, kw, c, m] = Σ x[.., c] · dy[.., c·M + m]. */
export function depthwiseBackpropFilter(args: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { filterShape } = args.attrs as unknown as { filterShape: number[] };
  return depthwise(args, 'DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, filterShape, (dw) => {
    const xs = heapF32(args.backend, x);
    const dys = heapF32(args.backend, dy);
    return (xo, yo, wo, cout, mult) => {
      for (let o = 0; o < cout; o++) dw[wo + o] = dw[wo + o]! + xs[xo + Math.floor(o / mult)]! * dys[yo + o]!;
    };
  });
}

/** `DepthwiseConv2dNativeBackpropInput` for wasm: dx[.., c] = Σ_taps Σ_m W[kh, kw, c, m] · dy[.., c·M + m]. */
export function depthwiseBackpropInput(args: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape } = args.attrs as unknown as { inputShape: number[] };
  return depthwise(args, 'DepthwiseConv2dNativeBackpropInput', inputShape, filter.shape, inputShape, (dx) => {
    const w = heapF32(args.backend, filter);
    const dys = heapF32(args.backend, dy);
    return (xo, yo, wo, cout, mult) => {
      for (let o = 0; o < cout; o++) {
        const c = xo + Math.floor(o / mult);
        dx[c] = dx[c]! + w[wo + o]! * dys[yo + o]!;
      }
    };
  });
}
