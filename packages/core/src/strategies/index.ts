// Public API of the strategies area; owned by its author, re-exported from ../index.ts.
export { createBufferedAggregator } from './buffered.js';
export type { FlatReducer } from './buffered.js';
export {
  coordinatewise,
  meanClosestToMedian,
  medianOfSorted,
  trimmedMeanOfSorted,
} from './coordinatewise.js';
export { defineStrategy } from './definition.js';
export type { NoParams, ParamSpec, ParamValues, RunContext, StrategyDefinition } from './definition.js';
export { strategyErrors } from './errors.js';
export type { StrategyErrorCode } from './errors.js';
export { createFedAvgM } from './fedavgm.js';
export type { FedAvgMParams } from './fedavgm.js';
export { createFedOpt } from './fedopt.js';
export type { FedOptParams, SecondMomentRule } from './fedopt.js';
export { createFedProx } from './fedprox.js';
export type { FedProxParams } from './fedprox.js';
export { bulyanSelect } from './bulyan.js';
export { krumScores, multiKrumSelect } from './krum-math.js';
export { createStrategy, strategyDefinitions, strategyNames, validateRunStrategy } from './registry.js';
export type { StrategyConfig, StrategyName } from './registry.js';
export { describeStrategies, strategyConfigSchema } from './schema.js';
export type { StrategyDescription } from './schema.js';
export { readStateTensor, stateFromJSON, stateToJSON } from './state.js';
export type { StrategyStateJson } from './state.js';
export * from '../sampling/index.js';
