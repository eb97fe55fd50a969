import { coordinatewise, meanClosestToMedian } from './coordinatewise.js';
import { defineStrategy } from './definition.js';
import { strategyErrors } from './errors.js';
import { lowestScores, scoresOverNeighbours } from './krum-math.js';
import { createRobustStrategy } from './robust-base.js';

/** Parameters of Bulyan. */
export type BulyanParams = {
  /** Number of Byzantine clients tolerated. */
  f: number;
};

/**
 * Bulyan's selection stage (El Mhamdi et al. 2018, Algorithm 1): apply Krum
 * recursively, each time removing the winner, until θ = n − 2f are selected.
 * Once the remaining set is too small for Krum's n − f − 2 neighbours, one
 * neighbour is used; the paper does not define that case.
 */
export function bulyanSelect(updates: readonly Float32Array[], f: number): Float32Array[] {
  const remaining = [...updates];
  const selected: Float32Array[] = [];
  const theta = updates.length - 2 * f;
  while (selected.length < theta) {
    const neighbours = Math.max(1, remaining.length - f - 2);
    const [best] = lowestScores(scoresOverNeighbours(remaining, neighbours), 1);
    selected.push(...remaining.splice(best!, 1));
  }
  return selected;
}

/**
 * Bulyan (El Mhamdi et al. 2018, "The Hidden Vulnerability of Distributed
 * Learning in Byzantium", §4): recursive-Krum selection of θ = n − 2f updates,
 * then per coordinate the mean of the β = θ − 2f values closest to the median.
 * Needs n ≥ 4f + 3.
 *
 * @example
 * const s = createStrategy({ name: 'bulyan', f: 1 }); // needs ≥ 7 updates
 */
export const bulyanDefinition = defineStrategy<'bulyan', BulyanParams>({
  name: 'bulyan',
  title: 'Bulyan',
  citation: 'El Mhamdi et al. 2018, "The Hidden Vulnerability of Distributed Learning in Byzantium" (ICML)',
  supports: { streaming: false, secureAggregation: false },
  meanAggregation: false,
  params: { f: { type: 'integer', default: 1, minimum: 0, description: 'Byzantine clients tolerated' } },
  checkRun(p, ctx) {
    if (ctx.minClients < 4 * p.f + 3) {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS',
        `Bulyan needs n ≥ 4f + 3 for every round; minClients = ${ctx.minClients}, f = ${p.f}`,
      );
    }
  },
  create: (p) =>
    createRobustStrategy('bulyan', (updates) => {
      if (updates.length < 4 * p.f + 3) {
        throw strategyErrors.create(
          'FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES',
          `n = ${updates.length}, f = ${p.f}`,
        );
      }
      const selected = bulyanSelect(updates, p.f);
      const beta = selected.length - 2 * p.f;
      return coordinatewise(selected, (column) => meanClosestToMedian(column, beta));
    }),
});
