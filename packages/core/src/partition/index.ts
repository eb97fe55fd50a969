// Public API of the partition area; owned by its author, re-exported from ../index.ts.
export { describePartition, partitionIndices } from './partition.js';
export type { PartitionSummary } from './partition.js';
export { DEFAULT_MIN_PER_CLIENT } from './spec.js';
export type { PartitionSpec } from './spec.js';
export { sampleDirichlet, seededRng, shuffleInPlace } from './random.js';
export type { Rng } from './random.js';
