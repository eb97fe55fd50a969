// Isomorphic data loaders: parse from strings or bytes; file reading lives in the CLI.
export { parseCsv } from './csv.js';
export { parseNdjson } from './ndjson.js';
export { type IdxArray, idxDataset, parseIdx } from './idx.js';
export type { RawTable, ResolvedSchema, TableSchema } from './table.js';
export { resolveSchema } from './table.js';
export {
  type FeatureSummary,
  type GlobalFeatureStats,
  globalStatsFrom,
  mergeSummaries,
  summarizeFeatures,
} from './feature-stats.js';
export { encodeTable, encodedFeatureNames } from './encode.js';
export { type DataErrorCode, dataErrors } from './errors.js';
