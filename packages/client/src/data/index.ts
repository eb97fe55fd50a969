// Isomorphic data loaders: parse from strings or bytes; file reading lives in the CLI.
export { parseCsv } from './csv.js';
export { parseNdjson } from './ndjson.js';
export { type IdxArray, idxDataset, parseIdx } from './idx.js';
export type { RawTable, ResolvedSchema, TableSchema } from './table.js';
export { resolveSchema } from './table.js';
export { summarizeFeatures } from './feature-stats.js';
export {
  type FeatureSummary,
  type TabularTransform,
  type TabularFeature,
  mergeSummaries,
  parseTabularTransform,
  tabularEncoder,
  transformFromSummary,
} from '@federa/core';
export { encodeTable } from './encode.js';
export {
  type FederatedStatsOptions,
  type PreparedTabularData,
  federatedTransform,
  prepareTabularData,
} from './federated-stats.js';
export { type DataErrorCode, dataErrors } from './errors.js';
export { type ModelShape, fitDataToModel, modelShapeOf } from './model-fit.js';
