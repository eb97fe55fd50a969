import { secaggErrors } from './errors.js';
import type { SecAggParams } from './params.js';
import { nullRecord } from '../records.js';

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

/** Fixed-point scale of a metric word: a metric of R at weight 1 becomes 2^(b-1). */
function metricScale(params: SecAggParams): number {
  return 2 ** (params.quantizationBits - 1) / params.metricRange;
}

/** Words of a masked vector: the parameters, two per metric (w·q(v), w·[reported]), then the weight. */
export function maskedWordCount(paramCount: number, params: SecAggParams): number {
  return paramCount + 2 * params.metricNames.length + 1;
}

/**
 * Encode a client's update as words mod 2^m: round(w · clip(Δ, ±c) · s) per
 * value (deterministic round-to-nearest, error ≤ 1/2 unit), then for each of
 * `params.metricNames` round(w · clip(v, ±R) · 2^(b-1)/R) and w when the client
 * reported a finite v (0 and 0 otherwise), then the weight w itself, so the
 * unmasked sum carries Σ w·Δ, each Σ w·v with its Σ w, and Σ w. Negative values wrap mod 2^m.
 *
 * @example
 * const words = quantizeUpdate(new Float32Array([0.5, -0.25]), 10, params, { train_loss: 0.7 });
 */
export function quantizeUpdate(
  delta: Float32Array,
  numExamples: number,
  params: SecAggParams,
  metrics: Readonly<Record<string, number>> = {},
): Uint32Array {
  const weight = clippedWeight(numExamples, params);
  const c = params.clipRange;
  const factor = weight * quantizationScale(params);
  const modMask = params.modulusBits === 32 ? 0xffffffff : 2 ** params.modulusBits - 1;
  const out = new Uint32Array(maskedWordCount(delta.length, params));
  for (let i = 0; i < delta.length; i++) {
    const v = delta[i]!;
    if (!Number.isFinite(v)) throw secaggErrors.create('FEDERA_ERR_SECAGG_BAD_INPUT', `value ${i} is ${v}`);
    out[i] = Math.round(Math.min(c, Math.max(-c, v)) * factor) & modMask;
  }
  const r = params.metricRange;
  const metricFactor = weight * metricScale(params);
  for (const [j, name] of params.metricNames.entries()) {
    const v = metrics[name];
    if (v === undefined || !Number.isFinite(v)) continue;
    out[delta.length + 2 * j] = Math.round(Math.min(r, Math.max(-r, v)) * metricFactor) & modMask;
    out[delta.length + 2 * j + 1] = weight;
  }
  out[out.length - 1] = weight;
  return out;
}

/** Signed value of a word mod 2^m, in [-2^(m-1), 2^(m-1)): (w << s) >> s with s = 32 - m sign-extends it. */
export function wordToSigned(word: number, modulusBits: number): number {
  const shift = 32 - modulusBits;
  return (word << shift) >> shift;
}

/** What an unmasked sum decodes to. */
export interface DecodedAggregate {
  /** Σ w·Δ / Σ w, dequantized. */
  readonly weightedMeanDelta: Float32Array;
  /** Σ w. */
  readonly totalWeight: number;
  /** Σ w·v / Σ w over the clients that reported each metric; absent when none did. */
  readonly metrics: Record<string, number>;
}

/**
 * Turn the unmasked sum of `count` clients into the weighted mean delta
 * Σ w·Δ / Σ w (dequantized), Σ w and the weighted mean of each metric.
 *
 * @example
 * const { weightedMeanDelta, totalWeight, metrics } = decodeAggregate(result.sum, params, result.survivors.length);
 */
export function decodeAggregate(
  sumWords: Uint32Array,
  params: SecAggParams,
  count: number,
): DecodedAggregate {
  const paramCount = sumWords.length - maskedWordCount(0, params);
  if (paramCount < 0) throw new TypeError('sum is shorter than its metric and weight words');
  const totalWeight = sumWords[sumWords.length - 1]!;
  if (totalWeight < count || totalWeight > count * params.maxWeight) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_BAD_INPUT',
      `total weight ${totalWeight} impossible for ${count} clients with maxWeight ${params.maxWeight}`,
    );
  }
  const inv = 1 / (totalWeight * quantizationScale(params));
  const out = new Float32Array(paramCount);
  const m = params.modulusBits;
  for (let i = 0; i < out.length; i++) out[i] = wordToSigned(sumWords[i]!, m) * inv;
  const metrics = nullRecord<number>();
  for (const [j, name] of params.metricNames.entries()) {
    const reported = sumWords[paramCount + 2 * j + 1]!;
    // A weight sum above the total can only come from a malformed input: report nothing rather than noise.
    if (reported === 0 || reported > totalWeight) continue;
    const value = wordToSigned(sumWords[paramCount + 2 * j]!, m) / (reported * metricScale(params));
    if (Math.abs(value) <= params.metricRange) metrics[name] = value;
  }
  return { weightedMeanDelta: out, totalWeight, metrics };
}
