/** Settings of quantile-based adaptive clipping. */
export interface AdaptiveClipRule {
  /** Quantile γ of update norms the clip should track. */
  readonly targetQuantile: number;
  /** Geometric learning rate η_C. */
  readonly learningRate: number;
}

/**
 * One step of adaptive clipping (Andrew et al. 2021, "Differentially Private
 * Learning with Adaptive Clipping", Alg. 1): C ← C · exp(−η_C · (b̄ − γ)),
 * where b̄ is the (noised) fraction of updates with norm ≤ C, i.e. NOT clipped.
 * Too many unclipped updates shrink C; too few grow it, so C converges to the
 * γ-quantile of the norms.
 *
 * @example
 * nextClipNorm(1.0, 0.8, { targetQuantile: 0.5, learningRate: 0.2 }); // < 1.0
 */
export function nextClipNorm(clip: number, unclippedFraction: number, rule: AdaptiveClipRule): number {
  return clip * Math.exp(-rule.learningRate * (unclippedFraction - rule.targetQuantile));
}

/**
 * Noise multiplier left for the updates once the clipped-count query takes
 * its share (Andrew et al. 2021, §3.1): z_Δ = (z⁻² − z_b⁻²)^(−1/2), where
 * z_b = 2σ_b is the count's noise multiplier. The pair is then exactly as
 * private as one Gaussian mechanism with multiplier z.
 *
 * @example
 * updateNoiseMultiplier(1.0, 10); // ≈ 1.005
 */
export function updateNoiseMultiplier(z: number, countNoiseMultiplier: number): number {
  if (z === 0) return 0;
  if (!(countNoiseMultiplier > z)) {
    throw new TypeError(`countNoiseMultiplier (${countNoiseMultiplier}) must exceed noiseMultiplier (${z})`);
  }
  return 1 / Math.sqrt(z ** -2 - countNoiseMultiplier ** -2);
}
