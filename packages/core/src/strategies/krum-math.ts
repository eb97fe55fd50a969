import { strategyErrors } from './errors.js';

/** Squared Euclidean distance, accumulated in float64. */
function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j]! - b[j]!;
    sum += d * d;
  }
  return sum;
}

/**
 * Krum scores (Blanchard et al. 2017, "Machine Learning with Adversaries:
 * Byzantine Tolerant Gradient Descent", §4): for each update, the sum of
 * squared distances to its n − f − 2 nearest other updates.
 * Throws FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES unless n > 2f + 2.
 *
 * @example
 * const scores = krumScores(updates, 1); // lowest score = most central
 */
export function krumScores(updates: readonly Float32Array[], f: number): number[] {
  const n = updates.length;
  if (n <= 2 * f + 2) {
    throw strategyErrors.create(
      'FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES',
      `Krum needs n > 2f + 2; n = ${n}, f = ${f}`,
    );
  }
  return scoresOverNeighbours(updates, n - f - 2);
}

/** Sum of squared distances from each update to its `neighbours` nearest others. */
export function scoresOverNeighbours(updates: readonly Float32Array[], neighbours: number): number[] {
  const n = updates.length;
  const dist = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      const d = squaredDistance(updates[i]!, updates[k]!);
      dist[i]![k] = d;
      dist[k]![i] = d;
    }
  }
  return dist.map((row, i) => {
    const others = row.filter((_, k) => k !== i).sort();
    let score = 0;
    for (let k = 0; k < neighbours; k++) score += others[k]!;
    return score;
  });
}

/** Indices of the `m` lowest Krum scores, best first; ties go to the earlier update. */
export function multiKrumSelect(updates: readonly Float32Array[], f: number, m: number): number[] {
  return lowestScores(krumScores(updates, f), m);
}

/** Indices of the `m` lowest scores, lowest first; ties go to the earlier index. */
export function lowestScores(scores: readonly number[], m: number): number[] {
  return scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .slice(0, m)
    .map((s) => s.index);
}

/** Unweighted mean of the selected updates. */
export function meanOf(updates: readonly Float32Array[], indices: readonly number[]): Float64Array {
  const out = new Float64Array(updates[0]!.length);
  for (const i of indices) {
    const u = updates[i]!;
    for (let j = 0; j < out.length; j++) out[j] = out[j]! + u[j]!;
  }
  for (let j = 0; j < out.length; j++) out[j] = out[j]! / indices.length;
  return out;
}
