export { FederaError, defineErrors, isFederaError } from './errors.js';
export type { ErrorSpec, ErrorTable, FederaErrorOptions } from './errors.js';
export { coreErrors } from './core-errors.js';
export type { CoreErrorCode } from './core-errors.js';
export {
  allFinite,
  assertWeightsMatch,
  flattenWeights,
  l2Norm,
  paramCount,
  sizeOf,
  unflattenWeights,
  weightsAreFinite,
  zerosFor,
} from './weights.js';
export type { TensorSpec, Weights } from './weights.js';
export { nullRecord, ownValue } from './records.js';
export type {
  ClientUpdate,
  RoundAggregator,
  ServerStep,
  Strategy,
  StrategyState,
  StrategySupports,
} from './strategy.js';
export { StreamingWeightedMean, applyPlainDelta, createFedAvg } from './fedavg.js';
export * from './partition/index.js';
export * from './strategies/index.js';
export * from './dp/index.js';
export * from './secagg/index.js';
export { coreErrorCodes } from './error-codes.js';
export * from './tabular/index.js';
export { PREDICT_BATCH_ROWS, zeroInitializers } from './topology.js';
export { wasmFunc, wasmName, wasmOp, wasmSection, wasmSimd } from './wasm-assembly.js';
