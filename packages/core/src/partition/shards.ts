import { type Rng, shuffleInPlace } from './random.js';

/** Cut `items` into `parts` contiguous chunks whose sizes differ by at most one. */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  for (let p = 0; p < parts; p++) {
    chunks.push(
      items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts)),
    );
  }
  return chunks;
}

/**
 * Pathological non-IID split (McMahan et al. 2017, §3): sort by label, cut
 * into `numClients * shardsPerClient` shards, deal `shardsPerClient` random
 * shards to each client. Within a class the order is shuffled first, so the
 * seed also decides which examples of a class share a shard.
 */
export function shardPartition(
  labels: ArrayLike<number>,
  numClients: number,
  shardsPerClient: number,
  rng: Rng,
): number[][] {
  const order = shuffleInPlace(
    Array.from({ length: labels.length }, (_, i) => i),
    rng,
  );
  order.sort((a, b) => labels[a]! - labels[b]!); // stable (ES2019), keeps the shuffled order within a class
  const shards = shuffleInPlace(splitEvenly(order, numClients * shardsPerClient), rng);
  return Array.from({ length: numClients }, (_, c) =>
    shards.slice(c * shardsPerClient, (c + 1) * shardsPerClient).flat(),
  );
}
