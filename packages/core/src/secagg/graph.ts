import { compareIds, encodeContext } from './bytes.js';
import { secaggErrors } from './errors.js';
import { keystream } from './keystream.js';

/** The public neighbour graph of one round. */
export interface NeighbourGraph {
  /** Sampled client ids, sorted by {@link compareIds}. */
  readonly ids: readonly string[];
  /** Sorted neighbours of `id` (empty for an id outside the round). */
  neighboursOf(id: string): readonly string[];
  /** Public Shamir evaluation point of `id`: 1 + its index in `ids`; 0 if absent. */
  shareIndexOf(id: string): number;
}

/**
 * Derive the round's neighbour graph publicly and deterministically: a Harary
 * graph H(k, n) over a pseudorandom ring order (Bell et al. 2020, §3.1), each
 * client linked to the k/2 nearest on either side; k = n - 1 is the complete
 * graph of Bonawitz et al. 2017. The order is a Fisher-Yates shuffle driven
 * by an AES-CTR stream keyed with SHA-256(run, round).
 *
 * @example
 * const graph = await buildNeighbourGraph(['a', 'b', 'c', 'd', 'e'], 'run-1', 3, 2);
 * graph.neighboursOf('a'); // two ids, the same for everyone who asks
 */
export async function buildNeighbourGraph(
  sampled: readonly string[],
  runId: string,
  round: number,
  neighbours: number,
): Promise<NeighbourGraph> {
  const ids = [...sampled].sort(compareIds);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] === ids[i - 1])
      throw secaggErrors.create('FEDERA_ERR_SECAGG_CONFIG_INVALID', `duplicate id ${ids[i]}`);
  }
  const n = ids.length;
  if (!Number.isInteger(neighbours) || neighbours < 1 || neighbours > n - 1) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_CONFIG_INVALID',
      `neighbours ${neighbours} for ${n} clients`,
    );
  }
  const ring = await shuffledRing(ids, runId, round);
  const position = new Map(ring.map((id, p) => [id, p]));
  const index = new Map(ids.map((id, i) => [id, i + 1]));
  const adjacency = new Map<string, readonly string[]>();
  const half = Math.floor(neighbours / 2);
  for (const id of ids) {
    const p = position.get(id)!;
    const linked = new Set<string>();
    if (neighbours >= n - 1) for (const other of ids) linked.add(other);
    else for (let d = 1; d <= half; d++) linked.add(ring[(p + d) % n]!).add(ring[(p - d + n) % n]!);
    linked.delete(id);
    adjacency.set(id, [...linked].sort(compareIds));
  }
  return {
    ids,
    neighboursOf: (id) => adjacency.get(id) ?? [],
    shareIndexOf: (id) => index.get(id) ?? 0,
  };
}

async function shuffledRing(ids: readonly string[], runId: string, round: number): Promise<string[]> {
  const seed = await globalThis.crypto.subtle.digest(
    'SHA-256',
    encodeContext('federa/secagg/v1/graph', runId, round) as BufferSource,
  );
  const key = new Uint8Array(seed);
  const ring = [...ids];
  let words = await keystream(key, 2 * ring.length + 16);
  let used = 0;
  const refill = async (): Promise<void> => {
    const longer = await keystream(key, words.length * 2);
    used = words.length;
    words = longer;
  };
  for (let i = ring.length - 1; i > 0; i--) {
    // Rejection sampling keeps j exactly uniform in [0, i].
    const bound = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let r: number;
    do {
      if (used === words.length) await refill();
      r = words[used++]!;
    } while (r >= limit);
    const j = r % bound;
    [ring[i], ring[j]] = [ring[j]!, ring[i]!];
  }
  return ring;
}
