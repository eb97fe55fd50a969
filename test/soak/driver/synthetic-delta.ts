import { type TensorSpec, type Weights, sizeOf } from '@federa/core';

/**
 * The delta a synthetic client uploads: a pure function of its index, the
 * round and the layout, so any observer can recompute the exact aggregate.
 * Values are multiples of 1e-5 in [-0.01, 0.01].
 *
 * @example
 * const delta = syntheticDelta(7, 3, specs);
 */
export function syntheticDelta(index: number, round: number, specs: readonly TensorSpec[]): Weights {
  let j = 0;
  return specs.map((s) => {
    const t = new Float32Array(sizeOf(s.shape));
    for (let i = 0; i < t.length; i++, j++)
      t[i] = (((index * 7919 + round * 104_729 + j * 31) % 2001) - 1000) * 1e-5;
    return t;
  });
}

/** How many examples synthetic client `index` claims (1..13), so the mean is properly weighted. */
export function syntheticExamples(index: number): number {
  return 1 + (index % 13);
}

/** The index encoded in a synthetic client id (`<prefix>-<index>`). */
export function indexOfClient(clientId: string): number {
  const index = Number(clientId.slice(clientId.lastIndexOf('-') + 1));
  if (!Number.isSafeInteger(index)) throw new TypeError(`not a synthetic client id: ${clientId}`);
  return index;
}

/**
 * The examples-weighted mean of the participants' synthetic deltas, in float64
 * (McMahan et al. 2017, FedAvg: Σ n_k Δ_k / Σ n_k).
 *
 * @example
 * const mean = expectedMean(roundRecord.participants, roundRecord.round, specs);
 */
export function expectedMean(
  participants: ReadonlyArray<{ clientId: string; numExamples: number }>,
  round: number,
  specs: readonly TensorSpec[],
): Float64Array[] {
  const sums = specs.map((s) => new Float64Array(sizeOf(s.shape)));
  let total = 0;
  for (const p of participants) {
    const delta = syntheticDelta(indexOfClient(p.clientId), round, specs);
    delta.forEach((t, k) => {
      const sum = sums[k]!;
      for (let i = 0; i < t.length; i++) sum[i]! += p.numExamples * t[i]!;
    });
    total += p.numExamples;
  }
  for (const sum of sums) for (let i = 0; i < sum.length; i++) sum[i]! /= total;
  return sums;
}

/** Largest |a - (b - c)| over all entries: how far a committed step is from the expected delta. */
export function maxStepError(expected: Float64Array[], after: Weights, before: Weights): number {
  let worst = 0;
  expected.forEach((e, k) => {
    const a = after[k]!;
    const b = before[k]!;
    for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]! - e[i]!));
  });
  return worst;
}
