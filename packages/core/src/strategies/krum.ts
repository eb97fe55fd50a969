import { defineStrategy } from './definition.js';
import { strategyErrors } from './errors.js';
import { multiKrumSelect } from './krum-math.js';
import { createRobustStrategy } from './robust-base.js';

/** Parameters of Krum. */
export type KrumParams = {
  /** Number of Byzantine clients tolerated. */
  f: number;
};

/**
 * Krum (Blanchard et al. 2017, §4): the round's delta is the single update
 * with the lowest Krum score. Needs n > 2f + 2 updates.
 *
 * @example
 * const s = createStrategy({ name: 'krum', f: 2 });
 */
export const krumDefinition = defineStrategy<'krum', KrumParams>({
  name: 'krum',
  title: 'Krum',
  citation:
    'Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant Gradient Descent" (NeurIPS)',
  supports: { streaming: false, secureAggregation: false },
  meanAggregation: false,
  params: { f: { type: 'integer', default: 1, minimum: 0, description: 'Byzantine clients tolerated' } },
  checkRun(p, ctx) {
    if (ctx.minClients <= 2 * p.f + 2) {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS',
        `Krum needs n > 2f + 2 for every round; minClients = ${ctx.minClients}, f = ${p.f}`,
      );
    }
  },
  create: (p) =>
    createRobustStrategy('krum', (updates) => {
      const [best] = multiKrumSelect(updates, p.f, 1);
      return updates[best!]!;
    }),
});
