export { type FeatureStatsOptions, featureStatsRoutes } from './feature-stats-routes.js';
export {
  FEATURE_LIMITS,
  type FeatureLimits,
  FeatureStatsBook,
  type FeatureStatus,
} from './feature-stats-book.js';
export { type FeatureErrorCode, featureErrors } from './errors.js';
