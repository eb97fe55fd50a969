import * as tf from '../tf.js';
import { freshWeightsFusedMatMul, transposingBatchMatMul } from './batch-matmul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-backprop.js';
import { registerDilatedConvGradients } from './dilated-conv-grad.js';
import { registerDilatedConv2DLayer } from './dilated-conv2d-layer.js';
import { fastGather } from './gather.js';
import { fastTranspose } from './transpose.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

/** Gradient kernels `@tensorflow/tfjs-backend-wasm` 4.22 lacks, which CNNs and embeddings need. */
const MISSING_KERNELS: ReadonlyArray<readonly [string, unknown]> = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
  ['UnsortedSegmentSum', unsortedSegmentSum],
];

let installed = false;

/**
 * Make the wasm backend train every layer TF.js layers has: register the gradient kernels it lacks
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input, UnsortedSegmentSum) and route
 * transposed BatchMatMul through an explicit transpose to the fast product, take a product on new
 * weights (every training step's forward) as (bᵀ·aᵀ)ᵀ so XNNPACK packs the small operand, run matrix transposes
 * on a SIMD kernel (heap-transpose.ts), gather rows as heap copies (gather.ts), and compute
 * Conv2DBackpropInput as a forward convolution; replace MaxPoolGrad, which is wrong on
 * negative inputs; and make Conv2D and depthwise convolutions with dilation > 1 differentiable (on
 * every backend: the gradient registry and tfjs-layers' class registry are global). `initBackend` calls it
 * whenever it starts wasm; call it yourself only if you start wasm with `tf.setBackend`. Idempotent;
 * kernels a later TF.js version brings are left as they are.
 */
export function registerWasmTrainingKernels(): void {
  if (installed) return;
  installed = true;
  for (const [kernelName, kernelFunc] of MISSING_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  }
  // The backend has this one, as a scalar loop; the replacement runs on its XNNPACK convolution.
  replace('Conv2DBackpropInput', () => conv2DBackpropInput as unknown as tf.KernelFunc);
  replace('BatchMatMul', transposingBatchMatMul);
  // XNNPACK packs a product's weights once per tensor, and training makes new ones every step.
  replace('_FusedMatMul', freshWeightsFusedMatMul);
  // Its own walks every element through generic index arithmetic; matrix transposes run on SIMD.
  replace('Transpose', fastTranspose);
  // Its own allocates per element; minibatches and embeddings gather whole rows (gather.ts).
  replace('GatherV2', fastGather);
  // The backend's own is wrong on negative windows (max-pool-grad.ts).
  replace('MaxPoolGrad', () => maxPoolGrad as unknown as tf.KernelFunc);
  // Not wasm kernels: tfjs-core's Conv2D and depthwise gradients refuse dilation > 1 on every
  // backend, and tfjs-layers' Conv2D runs a fused op whose gradient no registration reaches.
  registerDilatedConvolutions();
}

/** Swap a wasm kernel for a wrapper, keeping its setup function (called when the backend starts). */
function replace(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
}

/**
 * Make dilated Conv2D / SeparableConv2D layers trainable on every backend (the gradient registry and
 * the layer classes are global; `initBackend` calls it whatever backend it starts). Idempotent.
 */
export function registerDilatedConvolutions(): void {
  registerDilatedConvGradients();
  registerDilatedConv2DLayer();
}
