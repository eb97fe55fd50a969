export {
  type FeatureSummary,
  type NumericMoments,
  addSummary,
  emptySummary,
  mergeSummaries,
} from './summary.js';
export {
  type RawCell,
  TABULAR_TRANSFORM_FORMAT,
  type TabularEncoder,
  type TabularFeature,
  type TabularTransform,
  parseTabularTransform,
  tabularEncoder,
  transformFromSummary,
} from './transform.js';
export { splitCsvRecords } from './csv.js';
