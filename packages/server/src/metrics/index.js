export { DriftMonitor, psi } from './drift.js';
export { attachFederationMetrics } from './federation-metrics.js';
export { metricsPlugin } from './metrics-plugin.js';
export { ServingMetrics } from './serving-metrics.js';
//# sourceMappingURL=index.js.map