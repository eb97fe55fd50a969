import type { Weights } from '@federa/core';
import { expect } from 'vitest';

/** One client's captured contribution. */
export interface CapturedUpdate {
  delta: Weights;
  n: number;
}

/** previous + the examples-weighted mean of the deltas: what weighted FedAvg must commit. */
export function fedAvgOf(previous: Weights, updates: readonly CapturedUpdate[]): Weights {
  const total = updates.reduce((s, u) => s + u.n, 0);
  return previous.map((t, i) =>
    t.map((v, j) => v + updates.reduce((s, u) => s + (u.n / total) * u.delta[i]![j]!, 0)),
  );
}

/** Every value of `actual` within 10^-digits/2 of `expected`, with the same layout. */
export function expectWeightsClose(actual: Weights, expected: Weights, digits = 5): void {
  expect(actual.map((t) => t.length)).toEqual(expected.map((t) => t.length));
  for (let i = 0; i < actual.length; i++) {
    for (let j = 0; j < actual[i]!.length; j++) expect(actual[i]![j]).toBeCloseTo(expected[i]![j]!, digits);
  }
}
