import { coreErrors } from '../core-errors.js';
import type { ClientUpdate, RoundAggregator } from '../strategy.js';
import { type TensorSpec, assertWeightsMatch } from '../weights.js';
import { flattenWeights, unflattenWeights } from '../weights.js';

/** Reduces every update of a round (flattened, unweighted) to one flat delta. */
export type FlatReducer = (updates: readonly Float32Array[]) => ArrayLike<number>;

/**
 * Aggregator for robust rules that must see all updates at once (median,
 * trimmed mean, Krum, Bulyan): O(n · params) memory, hence `streaming: false`
 * and no secure aggregation. Each update is validated before it is kept.
 *
 * @example
 * const agg = createBufferedAggregator(specs, (us) => coordinatewise(us, medianOfSorted));
 */
export function createBufferedAggregator(specs: readonly TensorSpec[], reduce: FlatReducer): RoundAggregator {
  const updates: Float32Array[] = [];
  return {
    add(update: ClientUpdate) {
      if (!Number.isFinite(update.numExamples) || update.numExamples <= 0) {
        throw coreErrors.create('FEDERA_ERR_CORE_BAD_WEIGHT', String(update.numExamples));
      }
      assertWeightsMatch(specs, update.delta);
      updates.push(flattenWeights(update.delta));
    },
    get count() {
      return updates.length;
    },
    finish() {
      if (updates.length === 0) throw coreErrors.create('FEDERA_ERR_CORE_NO_UPDATES');
      // `+ 0` turns -0 into +0: a rule that returns an update itself (Krum) is then order-free too.
      return unflattenWeights(
        specs,
        Float32Array.from(reduce(inValueOrder(updates)), (v) => v + 0),
      );
    },
  };
}

/**
 * The updates sorted by value, element by element: a rule sees the same list whatever order the
 * clients answered in, so its ties (Krum's equal scores go to the earlier update) and the version
 * hash do not follow arrival order.
 */
function inValueOrder(updates: readonly Float32Array[]): Float32Array[] {
  return [...updates].sort((a, b) => {
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j]! - b[j]!;
    return 0;
  });
}
