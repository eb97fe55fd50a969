import { coordinatewise, medianOfSorted } from './coordinatewise.js';
import { type NoParams, defineStrategy } from './definition.js';
import { createRobustStrategy } from './robust-base.js';

/**
 * Coordinate-wise median, unweighted (Yin et al. 2018, §3, "median-based GD").
 *
 * @example
 * const s = createStrategy({ name: 'fedmedian' });
 */
export const fedMedianDefinition = defineStrategy<'fedmedian', NoParams>({
  name: 'fedmedian',
  title: 'FedMedian',
  citation:
    'Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards Optimal Statistical Rates" (ICML)',
  supports: { streaming: false, secureAggregation: false },
  meanAggregation: false,
  params: {},
  create: () => createRobustStrategy('fedmedian', (updates) => coordinatewise(updates, medianOfSorted)),
});
