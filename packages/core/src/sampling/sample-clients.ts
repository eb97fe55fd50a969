import { samplingErrors } from './errors.js';
import { type WordSource, cryptoWords, seededWords, uniformInt } from './prng.js';

/** How many clients a round takes, and from which random stream. */
export interface SampleOptions {
  /** Fraction of available clients, in (0, 1]; rounded up. Default 1 when `count` is absent. */
  readonly fraction?: number;
  /** Exact count; overrides `fraction`. */
  readonly count?: number;
  /** Lower bound on the sample; fewer available clients is an error. */
  readonly minClients: number;
  /** Reproducible simulations only: DP sampling amplification assumes the unseeded crypto path. */
  readonly seed?: string;
  readonly round: number;
}

/**
 * Pick a round's clients uniformly without replacement (partial Fisher–Yates).
 * Takes max(minClients, count ?? ⌈fraction·N⌉), capped at N. With a `seed` the
 * choice is a deterministic function of (seed, round, set of ids) — input
 * order does not matter — via xoshiro128** keyed by SHA-256(seed, round).
 * Without a seed it uses crypto.getRandomValues, as the privacy-amplification
 * by sampling behind the accountant requires an unpredictable sample.
 *
 * @example
 * sampleClients(ids, { fraction: 0.1, minClients: 2, round: 3 });
 */
export function sampleClients(available: readonly string[], options: SampleOptions): string[] {
  const { fraction, count, minClients, seed, round } = options;
  if (!Number.isInteger(minClients) || minClients < 0) throw new TypeError(`bad minClients ${minClients}`);
  if (!Number.isInteger(round) || round < 0) throw new TypeError(`bad round ${round}`);
  if (count !== undefined && !(Number.isInteger(count) && count > 0))
    throw new TypeError(`bad count ${count}`);
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1))
    throw new TypeError(`bad fraction ${fraction}`);
  const pool = [...new Set(available)].sort();
  if (pool.length !== available.length) throw new TypeError('available client ids must be unique');
  if (pool.length < minClients) {
    throw samplingErrors.create(
      'FEDERA_ERR_SAMPLING_TOO_FEW_CLIENTS',
      `${pool.length} available, need ${minClients}`,
    );
  }
  const wanted = count ?? Math.ceil((fraction ?? 1) * pool.length);
  const take = Math.min(pool.length, Math.max(minClients, wanted));
  const words: WordSource = seed === undefined ? cryptoWords() : seededWords(`${seed}\u0000${round}`);
  for (let i = 0; i < take; i++) {
    const j = i + uniformInt(words, pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}
