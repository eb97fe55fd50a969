import type { ClientUpdate, Strategy } from '../strategy.js';
import type { TensorSpec, Weights } from '../weights.js';

/** Layout shared by the strategy tests: a 2×2 kernel and a 3-vector bias. */
export const testSpecs: readonly TensorSpec[] = [
  { name: 'kernel', shape: [2, 2] },
  { name: 'bias', shape: [3] },
];

/** A one-tensor layout of `size` values, for hand-computed fixtures. */
export function vectorSpecs(size: number): TensorSpec[] {
  return [{ name: 'v', shape: [size] }];
}

/** A ClientUpdate from plain arrays. */
export function update(delta: readonly (readonly number[])[], numExamples = 1, clientId = 'c'): ClientUpdate {
  return { clientId, numExamples, delta: delta.map((t) => Float32Array.from(t)), metrics: {} };
}

/** Aggregate `updates` with a fresh aggregator of `strategy`. */
export function aggregate(
  strategy: Strategy,
  specs: readonly TensorSpec[],
  updates: readonly ClientUpdate[],
): Weights {
  const agg = strategy.createAggregator(specs);
  for (const u of updates) agg.add(u);
  return agg.finish();
}

/** Plain nested arrays, for toEqual / toBeCloseTo comparisons. */
export function plain(w: Weights): number[][] {
  return w.map((t) => Array.from(t));
}
