import * as tf from '../tf.js';

type Pair = [number, number];

/** Attributes of Conv2D and DepthwiseConv2dNative, as the engine hands them to a gradient. */
interface ConvAttrs {
  strides: number | Pair;
  pad: unknown;
  dataFormat?: string;
  dilations?: number | Pair | null;
  dimRoundingMode?: string;
}

function pairOf(v: number | Pair | null | undefined): Pair {
  if (v == null) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * The zero-inserted ("dilated") filter: `d − 1` zero taps between neighbouring taps, so a
 * [kh, kw, a, b] filter becomes [kh + (kh − 1)(dh − 1), kw + (kw − 1)(dw − 1), a, b].
 */
function dilateFilter(filter: tf.Tensor4D, dilations: Pair): tf.Tensor4D {
  const [dh, dw] = dilations;
  const [kh, kw, a, b] = filter.shape;
  const rows = (kh - 1) * dh + 1;
  const cols = (kw - 1) * dw + 1;
  return tf.tidy(() => {
    let f: tf.Tensor4D = filter;
    if (dh > 1) {
      // Each row, then dh − 1 zero rows; the zero rows after the last row are cut off.
      const spread = tf.pad(tf.reshape(f, [kh, 1, kw * a * b]), [
        [0, 0],
        [0, dh - 1],
        [0, 0],
      ]);
      f = tf.slice(tf.reshape(spread, [kh * dh, kw, a, b]) as tf.Tensor4D, 0, [rows, kw, a, b]);
    }
    if (dw > 1) {
      const spread = tf.pad(tf.reshape(f, [rows, kw, 1, a * b]), [
        [0, 0],
        [0, 0],
        [0, dw - 1],
        [0, 0],
      ]);
      f = tf.slice(tf.reshape(spread, [rows, kw * dw, a, b]) as tf.Tensor4D, 0, [rows, cols, a, b]);
    }
    return f === filter ? tf.clone(f) : f;
  });
}

/** Every `d`-th tap of a gradient w.r.t. the dilated filter: the gradient w.r.t. the filter itself. */
function undilate(grad: tf.Tensor4D, dilations: Pair): tf.Tensor4D {
  return tf.stridedSlice(grad, [0, 0, 0, 0], grad.shape, [dilations[0], dilations[1], 1, 1]) as tf.Tensor4D;
}

function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor4D {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * `original` (tfjs-core's gradient for a convolution) extended to dilations > 1; anything else still
 * goes to `original`, so undilated convolutions are differentiated exactly as before.
 */
function dilatedGrad(
  original: tf.GradConfig,
  backpropInput: string,
  backpropFilter: string,
  extraAttrs: (a: ConvAttrs) => object,
): tf.GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as ConvAttrs;
      const dilations = pairOf(a.dilations);
      if (dilations[0] === 1 && dilations[1] === 1) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const $dy = dy as tf.Tensor4D;
      const strides = pairOf(a.strides);
      if (strides[0] > 1 || strides[1] > 1) {
        // As TensorFlow's; tfjs's conv2d and cpu depthwise forward passes refuse this pair already.
        throw new Error(
          `Error in gradient of ${original.kernelName}: either strides or dilations must be 1. Got strides ${strides} and dilations ${dilations}`,
        );
      }
      const common = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode, ...extraAttrs(a) };
      // A dilated convolution is the undilated one with the zero-inserted filter (Yu & Koltun 2016, §2).
      return {
        x: () =>
          tf.tidy(() =>
            runKernel(
              backpropInput,
              { dy: $dy, filter: dilateFilter(filter, dilations) },
              { ...common, inputShape: x.shape },
            ),
          ),
        filter: () =>
          tf.tidy(() => {
            const [kh, kw, c, m] = filter.shape;
            const filterShape = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1, c, m];
            return undilate(runKernel(backpropFilter, { x, dy: $dy }, { ...common, filterShape }), dilations);
          }),
      };
    },
  };
}

let installed = false;

/**
 * Register gradients for `Conv2D` and `DepthwiseConv2dNative` that accept dilation rates > 1, which
 * tfjs-core's refuse ("dilation rates greater than 1 are not yet supported in gradients"). They
 * compute dx and dW through the undilated backprop kernels with the zero-inserted filter; with
 * dilations 1 they call tfjs-core's own. The gradient registry is global, so this applies to every
 * backend. `registerWasmTrainingKernels` calls it. Idempotent.
 */
export function registerDilatedConvGradients(): void {
  if (installed) return;
  installed = true;
  const conv = tf.getGradient('Conv2D');
  if (conv) {
    tf.registerGradient(
      dilatedGrad(conv, 'Conv2DBackpropInput', 'Conv2DBackpropFilter', (a) => ({
        dataFormat: a.dataFormat ?? 'NHWC',
      })),
    );
  }
  const depthwise = tf.getGradient('DepthwiseConv2dNative');
  if (depthwise) {
    tf.registerGradient(
      dilatedGrad(
        depthwise,
        'DepthwiseConv2dNativeBackpropInput',
        'DepthwiseConv2dNativeBackpropFilter',
        () => ({
          dilations: [1, 1],
        }),
      ),
    );
  }
}
