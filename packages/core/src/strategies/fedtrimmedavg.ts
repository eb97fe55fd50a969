import { coordinatewise, trimmedMeanOfSorted } from './coordinatewise.js';
import { defineStrategy } from './definition.js';
import { createRobustStrategy } from './robust-base.js';

/** Parameters of FedTrimmedAvg. */
export type FedTrimmedAvgParams = {
  /** Fraction β of values trimmed from each end, per coordinate. */
  beta: number;
};

/**
 * Coordinate-wise β-trimmed mean, unweighted (Yin et al. 2018, §3): per
 * coordinate drop the ⌊βn⌋ largest and ⌊βn⌋ smallest values and average the rest.
 *
 * @example
 * const s = createStrategy({ name: 'fedtrimmedavg', beta: 0.2 });
 */
export const fedTrimmedAvgDefinition = defineStrategy<'fedtrimmedavg', FedTrimmedAvgParams>({
  name: 'fedtrimmedavg',
  title: 'FedTrimmedAvg',
  citation:
    'Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards Optimal Statistical Rates" (ICML)',
  supports: { streaming: false, secureAggregation: false },
  meanAggregation: false,
  params: {
    beta: {
      type: 'number',
      default: 0.1,
      minimum: 0,
      exclusiveMaximum: 0.5,
      description: 'fraction trimmed per side per coordinate',
    },
  },
  create: (p) =>
    createRobustStrategy('fedtrimmedavg', (updates) => {
      const k = Math.floor(p.beta * updates.length);
      return coordinatewise(updates, (column) => trimmedMeanOfSorted(column, k));
    }),
});
