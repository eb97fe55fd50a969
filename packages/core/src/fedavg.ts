import { coreErrors } from './core-errors.js';
import type { ClientUpdate, RoundAggregator, Strategy, StrategyState, ServerStep } from './strategy.js';
import { type TensorSpec, type Weights, allFinite, assertWeightsMatch, sizeOf } from './weights.js';

/**
 * Examples-weighted mean of deltas, folded in as each arrives: one float64
 * accumulator per parameter, so memory is O(params) whatever the number of
 * clients (McMahan et al. 2017, Algorithm 1, server step).
 *
 * @example
 * const mean = new StreamingWeightedMean(specs);
 * mean.add(update.delta, update.numExamples);
 * const avg = mean.finish();
 */
export class StreamingWeightedMean {
  private readonly sums: Float64Array[];
  private totalWeight = 0;
  private n = 0;

  constructor(private readonly specs: readonly TensorSpec[]) {
    this.sums = specs.map((s) => new Float64Array(sizeOf(s.shape)));
  }

  /** Updates folded in so far. */
  get count(): number {
    return this.n;
  }

  /** Sum of weights folded in so far. */
  get weight(): number {
    return this.totalWeight;
  }

  /** Fold in `delta` with weight `weight`; validates first, so bad input changes nothing. */
  add(delta: Weights, weight: number): void {
    if (!Number.isFinite(weight) || weight <= 0) {
      throw coreErrors.create('FEDERA_ERR_CORE_BAD_WEIGHT', String(weight));
    }
    // Fast screen first; the full check runs only to raise its precise error.
    if (!this.fitsAndFinite(delta)) assertWeightsMatch(this.specs, delta);
    for (let i = 0; i < this.sums.length; i++) addScaledInto64(this.sums[i]!, delta[i]!, weight);
    this.totalWeight += weight;
    this.n++;
  }

  private fitsAndFinite(delta: Weights): boolean {
    if (delta.length !== this.sums.length) return false;
    for (let i = 0; i < delta.length; i++) {
      const d = delta[i]!;
      if (d.length !== this.sums[i]!.length || !allFinite(d)) return false;
    }
    return true;
  }

  /** The weighted mean as float32. */
  finish(): Weights {
    if (this.n === 0) throw coreErrors.create('FEDERA_ERR_CORE_NO_UPDATES');
    const inv = 1 / this.totalWeight;
    return this.sums.map((acc) => {
      const out = new Float32Array(acc.length);
      for (let j = 0; j < acc.length; j++) out[j] = acc[j]! * inv;
      return out;
    });
  }
}

/** acc += weight * d, unrolled by eight (about 2x faster than the plain loop in V8, docs/benchmarks.md). */
function addScaledInto64(acc: Float64Array, d: Float32Array, weight: number): void {
  const n = acc.length;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    acc[j] = acc[j]! + weight * d[j]!;
    acc[j + 1] = acc[j + 1]! + weight * d[j + 1]!;
    acc[j + 2] = acc[j + 2]! + weight * d[j + 2]!;
    acc[j + 3] = acc[j + 3]! + weight * d[j + 3]!;
    acc[j + 4] = acc[j + 4]! + weight * d[j + 4]!;
    acc[j + 5] = acc[j + 5]! + weight * d[j + 5]!;
    acc[j + 6] = acc[j + 6]! + weight * d[j + 6]!;
    acc[j + 7] = acc[j + 7]! + weight * d[j + 7]!;
  }
  for (; j < n; j++) acc[j] = acc[j]! + weight * d[j]!;
}

/** The examples-weighted streaming mean as a round aggregator, shared by every strategy that averages like FedAvg. */
export function createMeanAggregator(specs: readonly TensorSpec[]): RoundAggregator {
  const mean = new StreamingWeightedMean(specs);
  return {
    add: (u: ClientUpdate) => mean.add(u.delta, u.numExamples),
    get count() {
      return mean.count;
    },
    finish: () => mean.finish(),
  };
}

/** global + delta, as new arrays. */
export function applyPlainDelta(global: Weights, delta: Weights): Weights {
  return global.map((g, i) => {
    const d = delta[i]!;
    const out = new Float32Array(g.length);
    for (let j = 0; j < g.length; j++) out[j] = g[j]! + d[j]!;
    return out;
  });
}

/**
 * Weighted FedAvg (McMahan et al. 2017): the new global model is the old one
 * plus the examples-weighted mean of client deltas. Streaming, and compatible
 * with secure aggregation (it needs only the weighted sum).
 */
export function createFedAvg(): Strategy {
  return {
    name: 'fedavg',
    supports: { streaming: true, secureAggregation: true },
    clientConfig: () => ({}),
    createAggregator: createMeanAggregator,
    applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep {
      return { weights: applyPlainDelta(global, delta), state };
    },
  };
}
