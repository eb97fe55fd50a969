import type { TensorSpec, Weights } from '@federa/core';
import { flattenWeights, sizeOf } from '@federa/core';

/** All tensors back to back as float32 (little-endian on every supported platform). */
export function packWeights(weights: Weights): Uint8Array {
  return new Uint8Array(flattenWeights(weights).buffer);
}

/** Inverse of {@link packWeights}; returns undefined when the byte count does not fit the layout. */
export function unpackWeights(bytes: Uint8Array, specs: readonly TensorSpec[]): Weights | undefined {
  let total = 0;
  for (const s of specs) total += sizeOf(s.shape);
  if (bytes.byteLength !== total * 4) return undefined;
  // Copy: level may hand back a Buffer view at an unaligned offset.
  const flat = new Float32Array(total);
  new Uint8Array(flat.buffer).set(bytes);
  const out: Weights = [];
  let offset = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    out.push(flat.subarray(offset, offset + n));
    offset += n;
  }
  return out;
}
