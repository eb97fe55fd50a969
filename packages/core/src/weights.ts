import { coreErrors } from './core-errors.js';

/** Name and shape of one model tensor (all weight traffic is float32). */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A model's weights or a delta: one Float32Array per tensor, in spec order. */
export type Weights = Float32Array[];

/** Number of elements of a tensor with `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Total parameter count of a layout. */
export function paramCount(specs: readonly TensorSpec[]): number {
  let n = 0;
  for (const s of specs) n += sizeOf(s.shape);
  return n;
}

/** Fresh zero weights for a layout. */
export function zerosFor(specs: readonly TensorSpec[]): Weights {
  return specs.map((s) => new Float32Array(sizeOf(s.shape)));
}

/**
 * Throw a typed error unless `w` has exactly the layout of `specs` and only
 * finite values. Every update from the network passes through this.
 */
export function assertWeightsMatch(specs: readonly TensorSpec[], w: Weights): void {
  if (w.length !== specs.length) {
    throw coreErrors.create(
      'FEDERA_ERR_CORE_SHAPE_MISMATCH',
      `got ${w.length} tensors, expected ${specs.length}`,
    );
  }
  for (let i = 0; i < specs.length; i++) {
    const t = w[i]!;
    const expected = sizeOf(specs[i]!.shape);
    if (t.length !== expected) {
      throw coreErrors.create(
        'FEDERA_ERR_CORE_SHAPE_MISMATCH',
        `tensor ${i} (${specs[i]!.name}) has ${t.length} values, expected ${expected}`,
      );
    }
    for (let j = 0; j < t.length; j++) {
      if (!Number.isFinite(t[j]!)) {
        throw coreErrors.create('FEDERA_ERR_CORE_NOT_FINITE', `tensor ${i} (${specs[i]!.name}) index ${j}`);
      }
    }
  }
}

/**
 * True when no value of `t` is NaN or ±Infinity: x * 0 is 0 for finite x and
 * NaN otherwise. Eight products per step into four independent sums keep the
 * loop memory-bound instead of add-latency-bound (see docs/benchmarks.md).
 */
export function allFinite(t: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = t.length;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    s0 += t[j]! * 0 + t[j + 4]! * 0;
    s1 += t[j + 1]! * 0 + t[j + 5]! * 0;
    s2 += t[j + 2]! * 0 + t[j + 6]! * 0;
    s3 += t[j + 3]! * 0 + t[j + 7]! * 0;
  }
  for (; j < n; j++) s0 += t[j]! * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** True when every tensor of `w` is {@link allFinite}, e.g. a candidate global model before it is committed. */
export function weightsAreFinite(w: Weights): boolean {
  return w.every(allFinite);
}

/** Euclidean norm over all tensors together. */
export function l2Norm(w: Weights): number {
  let sum = 0;
  for (const t of w) for (let j = 0; j < t.length; j++) sum += t[j]! * t[j]!;
  return Math.sqrt(sum);
}

/** All tensors concatenated into one vector (model order), e.g. to quantize or to treat an update as a point. */
export function flattenWeights(w: Weights): Float32Array {
  let total = 0;
  for (const t of w) total += t.length;
  const out = new Float32Array(total);
  let offset = 0;
  for (const t of w) {
    out.set(t, offset);
    offset += t.length;
  }
  return out;
}

/** Split a flat vector back into fresh float32 tensors of `specs` (inverse of {@link flattenWeights}). */
export function unflattenWeights(specs: readonly TensorSpec[], flat: ArrayLike<number>): Weights {
  let offset = 0;
  return specs.map((s) => {
    const n = sizeOf(s.shape);
    const t = new Float32Array(n);
    for (let j = 0; j < n; j++) t[j] = flat[offset + j]!;
    offset += n;
    return t;
  });
}
