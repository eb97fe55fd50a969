import { coreErrors } from './core-errors.js';
import type { ClientUpdate, RoundAggregator, Strategy, StrategyState, ServerStep } from './strategy.js';
import { type TensorSpec, type Weights, assertWeightsMatch, zerosFor } from './weights.js';

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
    this.sums = zerosFor(specs).map((t) => new Float64Array(t.length));
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
    assertWeightsMatch(this.specs, delta);
    for (let i = 0; i < this.sums.length; i++) {
      const acc = this.sums[i]!;
      const d = delta[i]!;
      for (let j = 0; j < acc.length; j++) acc[j] = acc[j]! + weight * d[j]!;
    }
    this.totalWeight += weight;
    this.n++;
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
    createAggregator(specs: readonly TensorSpec[]): RoundAggregator {
      const mean = new StreamingWeightedMean(specs);
      return {
        add: (u: ClientUpdate) => mean.add(u.delta, u.numExamples),
        get count() {
          return mean.count;
        },
        finish: () => mean.finish(),
      };
    },
    applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep {
      return { weights: applyPlainDelta(global, delta), state };
    },
  };
}
