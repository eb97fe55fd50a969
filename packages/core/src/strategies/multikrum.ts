import { defineStrategy } from './definition.js';
import { strategyErrors } from './errors.js';
import { krumDefinition } from './krum.js';
import { meanOf, multiKrumSelect } from './krum-math.js';
import { createRobustStrategy } from './robust-base.js';

/** Parameters of Multi-Krum. */
export type MultiKrumParams = {
  /** Number of Byzantine clients tolerated. */
  f: number;
  /** Updates averaged; defaults to n − f for the round's n. */
  m?: number;
};

/**
 * Multi-Krum (Blanchard et al. 2017, §4): the unweighted mean of the m updates
 * with the lowest Krum scores. 1 ≤ m ≤ n − f, so m can never force a Byzantine
 * update in when f of them are present.
 *
 * @example
 * const s = createStrategy({ name: 'multikrum', f: 1, m: 5 });
 */
export const multiKrumDefinition = defineStrategy<'multikrum', MultiKrumParams>({
  name: 'multikrum',
  title: 'Multi-Krum',
  citation:
    'Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant Gradient Descent" (NeurIPS)',
  supports: { streaming: false, secureAggregation: false },
  meanAggregation: false,
  params: {
    f: { type: 'integer', default: 1, minimum: 0, description: 'Byzantine clients tolerated' },
    m: { type: 'integer', minimum: 1, description: 'updates averaged (default n − f)' },
  },
  checkRun(p, ctx) {
    krumDefinition.checkRun!({ f: p.f }, ctx);
    if (p.m !== undefined && p.m > ctx.minClients - p.f) {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_PARAM_INVALID',
        `Multi-Krum needs 1 ≤ m ≤ n − f for every round; m = ${p.m}, minClients = ${ctx.minClients}, f = ${p.f}`,
        { details: { param: 'm', value: p.m } },
      );
    }
  },
  create: (p) =>
    createRobustStrategy('multikrum', (updates) => {
      const m = p.m ?? updates.length - p.f;
      if (m > updates.length - p.f) {
        throw strategyErrors.create('FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES', `m = ${m}, n = ${updates.length}`);
      }
      return meanOf(updates, multiKrumSelect(updates, p.f, m));
    }),
});
