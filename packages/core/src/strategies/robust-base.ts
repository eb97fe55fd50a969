import { applyPlainDelta } from '../fedavg.js';
import type { Strategy } from '../strategy.js';
import { type FlatReducer, createBufferedAggregator } from './buffered.js';

/**
 * A robust rule as a strategy: holds every update of the round (no streaming,
 * no secure aggregation), reduces them with `reduce`, and applies the result
 * as a plain delta.
 *
 * @example
 * const median = createRobustStrategy('fedmedian', (us) => coordinatewise(us, medianOfSorted));
 */
export function createRobustStrategy(name: string, reduce: FlatReducer): Strategy {
  return {
    name,
    supports: { streaming: false, secureAggregation: false },
    clientConfig: () => ({}),
    createAggregator: (specs) => createBufferedAggregator(specs, reduce),
    applyDelta: (global, delta, state) => ({ weights: applyPlainDelta(global, delta), state }),
  };
}
