import { createFedAvg } from '../fedavg.js';
import { type NoParams, defineStrategy } from './definition.js';

/** FedAvg (McMahan et al. 2017): registers the streaming implementation in ../fedavg.ts. */
export const fedAvgDefinition = defineStrategy<'fedavg', NoParams>({
  name: 'fedavg',
  title: 'FedAvg',
  citation:
    'McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data"',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: {},
  create: () => createFedAvg(),
});
