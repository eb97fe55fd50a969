import * as tf from '../tf.js';
import { type WasmKernelArgs, disposeAll, runWasmKernel } from './wasm-heap.js';

type Info = tf.TensorInfo;

const size = (t: Info) => tf.util.sizeFromShape(t.shape);
const matrices = (t: Info) => size(t) / (t.shape.at(-1)! * t.shape.at(-2)!);

/**
 * The wasm backend's BatchMatMul runs `transposeA`/`transposeB` on a scalar loop (1.6 GFLOP/s for a
 * Dense layer's weight gradient, against 29.5 for the plain product, issue 13). Transposing first and
 * taking the plain XNNPACK path is several times faster. Of the two ways to get op(A)·op(B) from one
 * plain product, this moves the fewer elements: transpose the flagged operands, or use
 * op(A)·op(B) = (op(B)ᵀ·op(A)ᵀ)ᵀ, which transposes the unflagged ones and the result. For a Dense
 * layer's input gradient dy·Wᵀ the second moves the small dy and dx instead of the whole W. Plain
 * products go through {@link freshWeightsProduct}.
 */
export function transposingBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const a = inputs.a!;
    const b = inputs.b!;
    const plain = (x: Info, y: Info) => plainProduct(original, backend, x, y);
    if (!transposeA && !transposeB) return freshWeightsProduct(plain, backend, a, b);
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
    const batch = Math.max(matrices(a), matrices(b));
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
    const swapped = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + batch * rows * cols;
    const made: Info[] = [];
    const swap = (t: Info): Info => {
      const out = swapLastTwo(backend, t);
      made.push(out);
      return out;
    };
    try {
      if (direct <= swapped) return plain(transposeA ? swap(a) : a, transposeB ? swap(b) : b);
      const product = plain(transposeB ? b : swap(b), transposeA ? a : swap(a));
      made.push(product);
      return swapLastTwo(backend, product);
    } finally {
      disposeAll(backend, made);
    }
  };
}

/** Activations the swapped product applies itself, as the kernels the backend has for them. */
const ACTIVATION_KERNELS: ReadonlyMap<string, string | undefined> = new Map([
  ['linear', undefined],
  ['relu', 'Relu'],
  ['relu6', 'Relu6'],
]);

/**
 * `_FusedMatMul` (a Dense layer's forward: product, bias, activation) on a new weight tensor: the
 * product as {@link freshWeightsProduct} swaps it, then the bias and the activation as their own
 * kernels, since XNNPACK fuses a bias along the output channels and the swapped product's channels
 * are the rows. Anything else (transposes, PReLU, other activations, weights seen before) goes to
 * the backend's fused kernel.
 */
export function freshWeightsFusedMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const { transposeA, transposeB, activation } = attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
    };
    const { a, b, bias, preluActivationWeights } = inputs;
    const simple =
      !transposeA && !transposeB && !preluActivationWeights && ACTIVATION_KERNELS.has(activation);
    if (!simple || !swapPacksLess(a!, b!)) return original(args);
    const made: Info[] = [];
    try {
      let out = swappedProduct(backend, a!, b!, made);
      if (bias) {
        made.push(out);
        out = runWasmKernel('Add', backend, { a: out, b: bias });
      }
      const kernel = ACTIVATION_KERNELS.get(activation);
      if (kernel) {
        made.push(out);
        out = runWasmKernel(kernel, backend, { x: out });
      }
      return out;
    } finally {
      disposeAll(backend, made);
    }
  };
}

/**
 * Tensors that have been a plain product's `b`. The backend's XNNPACK product treats `b` as the
 * weights: it packs `b` into an operator the first time it sees that tensor and reuses it until the
 * tensor is freed, which serves inference. Training makes new weights after every SGD step, so every
 * forward product packs its whole weight matrix again (0.8–1.3 ms for a 784×200 Dense kernel, against
 * 0.3 ms for the 20-row product itself; docs/benchmarks.md).
 */
const packedOnce = new WeakSet<object>();

/**
 * Mark weights that will serve many products (a model scored or served predict after predict) as
 * seen, so their first product goes to XNNPACK, which packs them once, instead of being swapped. The
 * swapped product adds its bias as a kernel of its own, which rounds differently from XNNPACK's fused
 * bias: without this, a row's output depended on whether it fell in the first predict after new
 * weights. Consumers that predict call it (`RowScorer`, `loadServedModel`): the kernel swaps on the
 * first use whatever the caller, a training step's forward or a predict.
 */
export function packOnFirstUse(tensors: readonly { dataId: object }[]): void {
  for (const t of tensors) packedOnce.add(t.dataId);
}

/**
 * Whether to take a plain product a·b as (bᵀ·aᵀ)ᵀ, which packs the transposed `a` instead of `b`:
 * on the first use of `b` (a later use finds its operator made), when both hold one matrix (the
 * backend's XNNPACK path), and when `b` is more than twice the size of `a` (the transposes of `b`,
 * `a` and the result cost well under packing `b`). Marks such a `b` as seen.
 */
function swapPacksLess(a: Info, b: Info): boolean {
  // Shape first: most products (small weights, the swapped product's own bT·aT) never touch the set.
  if (matrices(a) !== 1 || matrices(b) !== 1 || size(b) <= 2 * size(a)) return false;
  if (packedOnce.has(b.dataId)) return false;
  packedOnce.add(b.dataId);
  return true;
}

/** A plain product, swapped when {@link swapPacksLess} says so; the same values either way. */
function freshWeightsProduct(
  plain: (x: Info, y: Info) => Info,
  backend: WasmKernelArgs['backend'],
  a: Info,
  b: Info,
): Info {
  if (!swapPacksLess(a, b)) return plain(a, b);
  const made: Info[] = [];
  try {
    return swappedProduct(backend, a, b, made);
  } finally {
    disposeAll(backend, made);
  }
}

/** (bᵀ·aᵀ)ᵀ on the plain XNNPACK product; the intermediates go into `made` for the caller to free. */
function swappedProduct(backend: WasmKernelArgs['backend'], a: Info, b: Info, made: Info[]): Info {
  const bT = swapLastTwo(backend, b);
  made.push(bT);
  const aT = swapLastTwo(backend, a);
  made.push(aT);
  const product = runWasmKernel('BatchMatMul', backend, { a: bT, b: aT }, NO_TRANSPOSE);
  made.push(product);
  return swapLastTwo(backend, product);
}

const NO_TRANSPOSE = { transposeA: false, transposeB: false };

function plainProduct(original: tf.KernelFunc, backend: WasmKernelArgs['backend'], a: Info, b: Info): Info {
  return original({ inputs: { a, b }, backend, attrs: NO_TRANSPOSE }) as Info;
}

function swapLastTwo(backend: WasmKernelArgs['backend'], x: Info): Info {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return runWasmKernel('Transpose', backend, { x }, { perm });
}
