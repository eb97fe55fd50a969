import { defineStrategy } from './definition.js';
import { type FedOptParams, createFedOpt, fedOptParamSpecs } from './fedopt.js';

/** FedAdagrad (Reddi et al. 2021, Algorithm 2): v ← v + Δ²; β2 is accepted but unused. */
export const fedAdagradDefinition = defineStrategy<'fedadagrad', FedOptParams>({
  name: 'fedadagrad',
  title: 'FedAdagrad',
  citation: 'Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR), Algorithm 2',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: fedOptParamSpecs(1e-1),
  create: (p) => createFedOpt('fedadagrad', (v, d2) => v + d2, p),
});
