export { type BatchingOptions, DynamicBatcher } from './batcher.js';
export { BatchJobs, type JobRecord } from './batch-jobs.js';
export { authErrors, servingErrors, type AuthErrorCode, type ServingErrorCode } from './errors.js';
export { InferenceService, type Prediction } from './inference.js';
export { type LoadedVersion, type LoadState, ModelCache } from './model-cache.js';
export { type ModelSignature, signatureOf } from './signature.js';
export { DEFAULT_BATCHING, SERVING_DEFAULTS, type ServingOptions } from './serving-options.js';
export { type ServingRuntime, servingPlugin } from './serving-plugin.js';
export { type Target, stickyPoint } from './traffic-router.js';
