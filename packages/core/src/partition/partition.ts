import { dirichletPartition } from './dirichlet.js';
import { seededRng, shuffleInPlace } from './random.js';
import { shardPartition, splitEvenly } from './shards.js';
import { DEFAULT_MIN_PER_CLIENT, type PartitionSpec, validatePartitionInput } from './spec.js';

/**
 * Split example indices `0..labels.length-1` among `numClients` simulated
 * clients. Every index goes to exactly one client; each client's indices are
 * returned ascending. Same inputs and seed give the same split on every
 * platform (seeded xoshiro128**, simulation only, not for privacy).
 *
 * Throws FEDERA_ERR_CORE_CONFIG_INVALID for an unusable spec (too many
 * clients or shards, alpha <= 0, an unreachable `minPerClient`), TypeError for
 * labels that are not class ids.
 *
 * @example
 * const parts = partitionIndices(train.y, 10, { kind: 'dirichlet', alpha: 0.5 }, 'run-42');
 * const client3 = parts[3]; // indices into train.x / train.y
 */
export function partitionIndices(
  labels: ArrayLike<number>,
  numClients: number,
  spec: PartitionSpec,
  seed: string | number,
): number[][] {
  validatePartitionInput(labels, numClients, spec);
  const rng = seededRng(`${spec.kind}:${seed}`);
  let parts: number[][];
  if (spec.kind === 'iid') {
    const order = Array.from({ length: labels.length }, (_, i) => i);
    parts = splitEvenly(shuffleInPlace(order, rng), numClients);
  } else if (spec.kind === 'shards') {
    parts = shardPartition(labels, numClients, spec.shardsPerClient, rng);
  } else {
    const minPerClient = spec.minPerClient ?? DEFAULT_MIN_PER_CLIENT;
    parts = dirichletPartition(labels, numClients, spec.alpha, minPerClient, rng);
  }
  return parts.map((p) => p.sort((a, b) => a - b));
}

/** Per-client sizes and class histograms of a partition. */
export interface PartitionSummary {
  sizes: number[];
  /** classCounts[client][class] */
  classCounts: number[][];
}

/**
 * Sizes and per-class counts of each client's share, for printing or checks.
 *
 * @example
 * const { sizes, classCounts } = describePartition(train.y, parts, 10);
 * console.table(classCounts);
 */
export function describePartition(
  labels: ArrayLike<number>,
  parts: number[][],
  numClasses: number,
): PartitionSummary {
  const classCounts = parts.map((indices) => {
    const counts = new Array<number>(numClasses).fill(0);
    for (const i of indices) {
      const y = labels[i];
      if (y === undefined || y >= numClasses)
        throw new TypeError(`index ${i} has no label below ${numClasses}`);
      counts[y]!++;
    }
    return counts;
  });
  return { sizes: parts.map((p) => p.length), classCounts };
}
