import { applyPlainDelta } from '../fedavg.js';
import type { Strategy } from '../strategy.js';
import { defineStrategy } from './definition.js';
import { createMeanAggregator } from '../fedavg.js';

/** Parameters of FedProx. */
export type FedProxParams = {
  /** Proximal term weight μ used by clients in local training. */
  proximalMu: number;
};

/**
 * FedProx (Li et al. 2020, "Federated Optimization in Heterogeneous
 * Networks", Algorithm 2): the server aggregates like FedAvg; clients add
 * (μ/2)‖w − w_global‖² to their local loss, so μ travels as `proximal_mu`.
 *
 * @example
 * createFedProx({ proximalMu: 0.01 }).clientConfig(); // { proximal_mu: 0.01 }
 */
export function createFedProx(p: FedProxParams): Strategy {
  return {
    name: 'fedprox',
    supports: { streaming: true, secureAggregation: true },
    clientConfig: () => ({ proximal_mu: p.proximalMu }),
    createAggregator: createMeanAggregator,
    applyDelta: (global, delta, state) => ({ weights: applyPlainDelta(global, delta), state }),
  };
}

export const fedProxDefinition = defineStrategy<'fedprox', FedProxParams>({
  name: 'fedprox',
  title: 'FedProx',
  citation: 'Li et al. 2020, "Federated Optimization in Heterogeneous Networks" (MLSys)',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: {
    proximalMu: { type: 'number', default: 0.01, minimum: 0, description: 'proximal term weight μ' },
  },
  create: createFedProx,
});
