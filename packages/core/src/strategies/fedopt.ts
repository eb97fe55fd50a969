import type { ServerStep, Strategy, StrategyState } from '../strategy.js';
import type { Weights } from '../weights.js';
import { createMeanAggregator } from '../fedavg.js';
import { readStateTensor } from './state.js';

/** Parameters shared by FedAdagrad, FedAdam and FedYogi. */
export type FedOptParams = {
  /** Server learning rate η. */
  serverLearningRate: number;
  /** Client learning rate η_l, sent to clients as `learning_rate`. */
  clientLearningRate: number;
  /** First-moment decay β1. */
  beta1: number;
  /** Second-moment decay β2 (unused by FedAdagrad). */
  beta2: number;
  /** Adaptivity τ: the denominator is √v + τ. */
  tau: number;
};

/** How each method updates the second moment from v_{t−1} and Δ². */
export type SecondMomentRule = (v: number, deltaSquared: number, beta2: number) => number;

/**
 * Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2: with the
 * weighted mean delta Δ as the negative pseudo-gradient, m ← β1·m + (1−β1)Δ,
 * v ← rule(v, Δ²), x ← x + η·m / (√v + τ). No bias correction, and v starts at
 * τ² (the paper's v₋₁ ≥ τ²). State tensors `m` and `v` are float32 so a
 * restored state continues exactly.
 *
 * @example
 * const adam = createFedOpt('fedadam', (v, d2, b2) => b2 * v + (1 - b2) * d2, params);
 */
export function createFedOpt(name: string, rule: SecondMomentRule, p: FedOptParams): Strategy {
  return {
    name,
    supports: { streaming: true, secureAggregation: true },
    clientConfig: () => ({ learning_rate: p.clientLearningRate }),
    createAggregator: createMeanAggregator,
    applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep {
      const prevM = readStateTensor(state, 'm', global, 0);
      const prevV = readStateTensor(state, 'v', global, p.tau * p.tau);
      const m: Weights = [];
      const v: Weights = [];
      const weights: Weights = [];
      for (let i = 0; i < global.length; i++) {
        const g = global[i]!;
        const d = delta[i]!;
        const mi = new Float32Array(g.length);
        const vi = new Float32Array(g.length);
        const wi = new Float32Array(g.length);
        for (let j = 0; j < g.length; j++) {
          mi[j] = p.beta1 * prevM[i]![j]! + (1 - p.beta1) * d[j]!;
          vi[j] = rule(prevV[i]![j]!, d[j]! * d[j]!, p.beta2);
          wi[j] = g[j]! + (p.serverLearningRate * mi[j]!) / (Math.sqrt(vi[j]!) + p.tau);
        }
        m.push(mi);
        v.push(vi);
        weights.push(wi);
      }
      return { weights, state: { ...state, m, v } };
    },
  };
}

/** Parameter specs shared by the three adaptive methods; defaults follow the brief and Reddi et al. §5. */
export function fedOptParamSpecs(serverLearningRate: number) {
  return {
    serverLearningRate: {
      type: 'number',
      default: serverLearningRate,
      exclusiveMinimum: 0,
      description: 'server learning rate η',
    },
    clientLearningRate: {
      type: 'number',
      default: 0.1,
      exclusiveMinimum: 0,
      description: 'client learning rate η_l',
    },
    beta1: {
      type: 'number',
      default: 0.9,
      minimum: 0,
      exclusiveMaximum: 1,
      description: 'first-moment decay β1',
    },
    beta2: {
      type: 'number',
      default: 0.99,
      minimum: 0,
      exclusiveMaximum: 1,
      description: 'second-moment decay β2',
    },
    tau: { type: 'number', default: 1e-3, exclusiveMinimum: 0, description: 'adaptivity τ' },
  } as const;
}
