export { DynamicBatcher } from './batcher.js';
export { BatchJobs } from './batch-jobs.js';
export { authErrors, servingErrors } from './errors.js';
export { InferenceService } from './inference.js';
export { ModelCache } from './model-cache.js';
export { signatureOf } from './signature.js';
export { DEFAULT_BATCHING, SERVING_DEFAULTS } from './serving-options.js';
export { servingPlugin } from './serving-plugin.js';
export { stickyPoint } from './traffic-router.js';
//# sourceMappingURL=index.js.map