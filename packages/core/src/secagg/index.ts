// Public API of the secagg area; owned by its author, re-exported from ../index.ts.
export { secaggErrors } from './errors.js';
export type { SecAggErrorCode } from './errors.js';
export {
  MAX_SECAGG_METRICS,
  MIN_SUM_INPUTS,
  SECAGG_THREATS,
  deriveSecAggParams,
  quantizationErrorBound,
  sumFloor,
  validateSecAggParams,
} from './params.js';
export type { SecAggConfig, SecAggParams, SecAggThreat } from './params.js';
export {
  DEVICE_KEY_ALGORITHMS,
  MAX_SIGNATURE_BYTES,
  advertisementSigningInput,
  deviceKeyFingerprint,
  importDeviceKey,
  survivorSetSigningInput,
  verifyDeviceSignature,
} from './signing.js';
export type { DeviceKeyAlgorithm, DevicePins, DevicePublicKey, SecAggSigner } from './signing.js';
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
export { simulateSecAggRound, simulatedDevice } from './simulate.js';
export type { SimulatedClient, SimulatedRound } from './simulate.js';
export type * from './messages.js';
