import { defineStrategy } from './definition.js';
import { type FedOptParams, createFedOpt, fedOptParamSpecs } from './fedopt.js';

/** FedAdam (Reddi et al. 2021, Algorithm 2): v ← β2·v + (1−β2)Δ². */
export const fedAdamDefinition = defineStrategy<'fedadam', FedOptParams>({
  name: 'fedadam',
  title: 'FedAdam',
  citation: 'Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR), Algorithm 2',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: fedOptParamSpecs(1e-2),
  create: (p) => createFedOpt('fedadam', (v, d2, b2) => b2 * v + (1 - b2) * d2, p),
});
