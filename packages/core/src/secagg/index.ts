// Public API of the secagg area; owned by its author, re-exported from ../index.ts.
export { secaggErrors } from './errors.js';
export type { SecAggErrorCode } from './errors.js';
export {
  MAX_SECAGG_METRICS,
  deriveSecAggParams,
  quantizationErrorBound,
  validateSecAggParams,
} from './params.js';
export type { SecAggConfig, SecAggParams } from './params.js';
export {
  clippedWeight,
  decodeAggregate,
  maskedWordCount,
  quantizationScale,
  quantizeUpdate,
  wordToSigned,
} from './quantize.js';
export type { DecodedAggregate } from './quantize.js';
export { FIELD_PRIME } from './field.js';
export { reconstructSecret, splitSecret } from './shamir.js';
export type { ShamirShare } from './shamir.js';
export { buildNeighbourGraph } from './graph.js';
export type { NeighbourGraph } from './graph.js';
export { SecAggClient } from './client.js';
export type { SecAggClientOptions } from './client.js';
export { SecAggServer } from './server.js';
export { WordAccumulator } from './word-accumulator.js';
export type { WordAccumulatorOptions } from './word-accumulator.js';
export { counterBlock, keystream, webCryptoMaskExpander } from './keystream.js';
export type { MaskExpander, MaskStream } from './keystream.js';
export type { SecAggResult, SecAggServerOptions, SecAggServerStage } from './server.js';
export { simulateSecAggRound } from './simulate.js';
export type { SimulatedClient, SimulatedRound } from './simulate.js';
export type * from './messages.js';
