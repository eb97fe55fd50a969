// Secure aggregation (SecAgg+) rounds of the coordinator.
export { secaggRoundErrors } from './errors.js';
export { SecAggRound } from './secagg-round.js';
export type { AcceptedStageMessage, ReceivedMaskedInput, SecAggRoundOptions } from './secagg-round.js';
export { routeSecAgg } from './sessions.js';
export { type DeviceDirectory, registryDirectory } from './device-directory.js';
export {
  DEFAULT_STAGE_TIMEOUT_MS,
  roundParams,
  validateSecureAggregation,
  withThreatModel,
} from './settings.js';
export type { SecureAggregationSettings } from './settings.js';
export { MaskWorkerPool, expandMaskRange, sharedMaskWorkerPool } from './node-mask-expander.js';
export type { MaskRange } from './node-mask-expander.js';
