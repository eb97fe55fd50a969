import { type Weights, l2Norm } from '../weights.js';

/** Result of {@link clipToNorm}. */
export interface ClipResult {
  /** A new copy, scaled down to norm `clipNorm` if it was longer. */
  readonly clipped: Weights;
  /** True when the input's norm exceeded `clipNorm`. */
  readonly wasClipped: boolean;
  /** L2 norm of the input over all tensors. */
  readonly norm: number;
}

/**
 * Scale `delta` to L2 norm at most `clipNorm` (over all tensors together),
 * bounding one client's influence: the sensitivity of DP-FedAvg
 * (McMahan et al. 2018, "Learning Differentially Private Recurrent Language Models", Alg. 1).
 *
 * @example
 * const { clipped, wasClipped } = clipToNorm(update.delta, 1.0);
 */
export function clipToNorm(delta: Weights, clipNorm: number): ClipResult {
  if (!(clipNorm > 0) || !Number.isFinite(clipNorm))
    throw new TypeError(`clipNorm must be > 0, got ${clipNorm}`);
  const norm = l2Norm(delta);
  const wasClipped = norm > clipNorm;
  const scale = wasClipped ? clipNorm / norm : 1;
  const clipped = delta.map((t) => {
    const out = new Float32Array(t.length);
    for (let j = 0; j < t.length; j++) out[j] = t[j]! * scale;
    return out;
  });
  return { clipped, wasClipped, norm };
}
