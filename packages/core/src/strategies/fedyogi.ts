import { defineStrategy } from './definition.js';
import { type FedOptParams, createFedOpt, fedOptParamSpecs } from './fedopt.js';

/** FedYogi (Reddi et al. 2021, Algorithm 2): v ← v − (1−β2)Δ²·sign(v − Δ²). */
export const fedYogiDefinition = defineStrategy<'fedyogi', FedOptParams>({
  name: 'fedyogi',
  title: 'FedYogi',
  citation: 'Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR), Algorithm 2',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: fedOptParamSpecs(1e-2),
  create: (p) => createFedOpt('fedyogi', (v, d2, b2) => v - (1 - b2) * d2 * Math.sign(v - d2), p),
});
