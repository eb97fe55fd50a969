export { DriftMonitor, type FeatureHistogram, psi, type TrainingStats } from './drift.js';
export { attachFederationMetrics } from './federation-metrics.js';
export { type MetricsOptions, metricsPlugin } from './metrics-plugin.js';
export { type RequestLabels, ServingMetrics } from './serving-metrics.js';
