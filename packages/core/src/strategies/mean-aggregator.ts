import { StreamingWeightedMean } from '../fedavg.js';
import type { ClientUpdate, RoundAggregator } from '../strategy.js';
import type { TensorSpec } from '../weights.js';

/** The examples-weighted streaming mean of FedAvg, shared by every strategy that aggregates like it. */
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
