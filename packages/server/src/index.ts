export { buildServer } from './build-server.js';
export type { BuildServerOptions, FederaServer } from './build-server.js';
export { Coordinator } from './coordinator.js';
export { GATEWAY_LIMITS, type GatewayLimits } from './gateway/admission.js';
export type { CreateRunInput, CoordinatorOptions } from './coordinator.js';
export { FederationEvents } from './events.js';
export type { FederationEventMap } from './events.js';
export { serverErrors } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export { FederaStore } from './store/store.js';
export type { RoundCommit, RunFeatures } from './store/store.js';
export { RUN_DEFAULTS, normalizeRunSettings } from './runs/run-settings.js';
export { type RoundMetricsRow, metricsCsv, runMetricsTable } from './runs/metrics-export.js';
export type {
  Participation,
  RoundRecord,
  RunRecord,
  RunSettings,
  RunStatus,
  TabularModelSpec,
  VersionRecord,
} from './runs/run-types.js';
export type { ServerEvaluator } from './rounds/run-scheduler.js';
export { initTfBackend } from './tf/backend.js';
export { initialWeightsFor, modelForGivenWeights, modelFromTopology, setModelWeights } from './tf/model.js';
export { tabularTopology } from './tf/tabular-topology.js';
export * from './auth/index.js';
export * from './evaluation/index.js';
export * from './privacy/index.js';
export * from './audit/index.js';
export * from './identity/index.js';
export * from './tls/index.js';
export * from './metrics/index.js';
export * from './registry/index.js';
export * from './serving/index.js';
export * from './secagg/index.js';
export { serverErrorCodes } from './error-codes.js';
export * from './dashboard/index.js';
export * from './features/index.js';
export * from './openapi/index.js';
export { type CorsOptions, originMatcher } from './cors/index.js';
