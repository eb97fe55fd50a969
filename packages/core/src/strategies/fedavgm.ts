import type { ServerStep, Strategy, StrategyState } from '../strategy.js';
import type { Weights } from '../weights.js';
import { defineStrategy } from './definition.js';
import { createMeanAggregator } from '../fedavg.js';
import { readStateTensor } from './state.js';

/** Parameters of FedAvgM. */
export type FedAvgMParams = {
  /** Server momentum β. */
  momentum: number;
  /** Server learning rate η. */
  serverLearningRate: number;
};

/**
 * FedAvg with server momentum (Hsu et al. 2019, "Measuring the Effects of
 * Non-Identical Data Distribution", §3): v ← βv + Δ, x ← x + ηv. The momentum
 * buffer is the state tensor `momentum`.
 *
 * @example
 * const s = createFedAvgM({ momentum: 0.9, serverLearningRate: 1 });
 */
export function createFedAvgM(p: FedAvgMParams): Strategy {
  return {
    name: 'fedavgm',
    supports: { streaming: true, secureAggregation: true },
    clientConfig: () => ({}),
    createAggregator: createMeanAggregator,
    applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep {
      const previous = readStateTensor(state, 'momentum', global, 0);
      const momentum = previous.map((v, i) => {
        const d = delta[i]!;
        const out = new Float32Array(v.length);
        for (let j = 0; j < v.length; j++) out[j] = p.momentum * v[j]! + d[j]!;
        return out;
      });
      const weights = global.map((g, i) => {
        const v = momentum[i]!;
        const out = new Float32Array(g.length);
        for (let j = 0; j < g.length; j++) out[j] = g[j]! + p.serverLearningRate * v[j]!;
        return out;
      });
      return { weights, state: { ...state, momentum } };
    },
  };
}

export const fedAvgMDefinition = defineStrategy<'fedavgm', FedAvgMParams>({
  name: 'fedavgm',
  title: 'FedAvgM',
  citation:
    'Hsu et al. 2019, "Measuring the Effects of Non-Identical Data Distribution for Federated Visual Classification"',
  supports: { streaming: true, secureAggregation: true },
  meanAggregation: true,
  params: {
    momentum: {
      type: 'number',
      default: 0.9,
      minimum: 0,
      exclusiveMaximum: 1,
      description: 'server momentum β',
    },
    serverLearningRate: {
      type: 'number',
      default: 1,
      exclusiveMinimum: 0,
      description: 'server learning rate η',
    },
  },
  create: createFedAvgM,
});
