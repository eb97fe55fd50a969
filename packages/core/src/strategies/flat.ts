import type { TensorSpec, Weights } from '../weights.js';
import { paramCount, sizeOf } from '../weights.js';

/** All tensors of `w` concatenated into one vector, so robust rules can treat an update as a point. */
export function flatten(specs: readonly TensorSpec[], w: Weights): Float32Array {
  const out = new Float32Array(paramCount(specs));
  let offset = 0;
  for (const t of w) {
    out.set(t, offset);
    offset += t.length;
  }
  return out;
}

/** Split a flat vector back into the tensors of `specs` (float32). */
export function unflatten(specs: readonly TensorSpec[], flat: ArrayLike<number>): Weights {
  const out: Weights = [];
  let offset = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    const t = new Float32Array(n);
    for (let j = 0; j < n; j++) t[j] = flat[offset + j]!;
    out.push(t);
    offset += n;
  }
  return out;
}
