export { SyntheticClient } from './synthetic-client.js';
export type { SyntheticClientOptions } from './synthetic-client.js';
export { type Fleet, type FleetOptions, startFleet } from './synthetic-fleet.js';
export {
  expectedMean,
  indexOfClient,
  maxStepError,
  syntheticDelta,
  syntheticExamples,
} from './synthetic-delta.js';
