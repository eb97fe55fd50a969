import { secaggErrors } from './errors.js';
import type { SecAggParams } from './params.js';

/**
 * The weight a client's update carries: its example count clipped to maxWeight,
 * so no single client can dominate (or overflow) the masked sum.
 *
 * @example
 * clippedWeight(5000, params); // params.maxWeight when that is below 5000
 */
export function clippedWeight(numExamples: number, params: SecAggParams): number {
  if (!Number.isSafeInteger(numExamples) || numExamples < 1) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
      `numExamples ${numExamples} must be a positive integer`,
    );
  }
  return Math.min(numExamples, params.maxWeight);
}

/** Fixed-point scale s: a value of c at weight 1 becomes 2^(b-1). */
export function quantizationScale(params: SecAggParams): number {
  return 2 ** (params.quantizationBits - 1) / params.clipRange;
}

/**
 * Encode a client's update as words mod 2^m: round(w · clip(Δ, ±c) · s) per
 * value (deterministic round-to-nearest, error ≤ 1/2 unit) followed by the
 * weight w itself, so the unmasked sum carries Σ w·Δ and Σ w. Negative values
 * wrap mod 2^m.
 *
 * @example
 * const words = quantizeUpdate(new Float32Array([0.5, -0.25]), 10, params); // length 3
 */
export function quantizeUpdate(delta: Float32Array, numExamples: number, params: SecAggParams): Uint32Array {
  const weight = clippedWeight(numExamples, params);
  const c = params.clipRange;
  const factor = weight * quantizationScale(params);
  const modMask = params.modulusBits === 32 ? 0xffffffff : 2 ** params.modulusBits - 1;
  const out = new Uint32Array(delta.length + 1);
  for (let i = 0; i < delta.length; i++) {
    const v = delta[i]!;
    if (!Number.isFinite(v)) throw secaggErrors.create('FEDERA_ERR_SECAGG_BAD_INPUT', `value ${i} is ${v}`);
    out[i] = Math.round(Math.min(c, Math.max(-c, v)) * factor) & modMask;
  }
  out[delta.length] = weight;
  return out;
}

/** Signed value of a word mod 2^m, in [-2^(m-1), 2^(m-1)). */
export function wordToSigned(word: number, modulusBits: number): number {
  const modulus = 2 ** modulusBits;
  const w = word % modulus;
  return w >= modulus / 2 ? w - modulus : w;
}

/**
 * Turn the unmasked sum of `count` clients into the weighted mean delta
 * Σ w·Δ / Σ w (dequantized) and Σ w.
 *
 * @example
 * const { weightedMeanDelta, totalWeight } = decodeAggregate(result.sum, params, result.survivors.length);
 */
export function decodeAggregate(
  sumWords: Uint32Array,
  params: SecAggParams,
  count: number,
): { weightedMeanDelta: Float32Array; totalWeight: number } {
  if (sumWords.length < 1) throw new TypeError('sum must hold at least the weight word');
  const totalWeight = sumWords[sumWords.length - 1]!;
  if (totalWeight < count || totalWeight > count * params.maxWeight) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
      `total weight ${totalWeight} impossible for ${count} clients with maxWeight ${params.maxWeight}`,
    );
  }
  const inv = 1 / (totalWeight * quantizationScale(params));
  const out = new Float32Array(sumWords.length - 1);
  // (w << s) >> s sign-extends an m-bit word (s = 32 - m): wordToSigned without division.
  const shift = 32 - params.modulusBits;
  for (let i = 0; i < out.length; i++) out[i] = ((sumWords[i]! << shift) >> shift) * inv;
  return { weightedMeanDelta: out, totalWeight };
}
