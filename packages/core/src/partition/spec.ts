import { coreErrors } from '../core-errors.js';

/**
 * How to split a labelled dataset among simulated clients.
 * - `iid`: uniform shuffle, equal sizes.
 * - `shards`: pathological non-IID of McMahan et al. 2017, §3: sort by label,
 *   cut into `numClients * shardsPerClient` shards, deal `shardsPerClient` to each.
 * - `dirichlet`: per class, client proportions ~ Dir(alpha) (Hsu et al. 2019);
 *   small alpha is very skewed, large alpha approaches IID. Redrawn until
 *   every client holds at least `minPerClient` (default 10) examples.
 */
export type PartitionSpec =
  | { kind: 'iid' }
  | { kind: 'shards'; shardsPerClient: number }
  | { kind: 'dirichlet'; alpha: number; minPerClient?: number };

/** Default floor on a client's examples under `dirichlet`. */
export const DEFAULT_MIN_PER_CLIENT = 10;

function invalid(detail: string): never {
  throw coreErrors.create('FEDERA_ERR_CORE_CONFIG_INVALID', detail);
}

function isPositiveInteger(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0;
}

/**
 * Check labels (programmer input: TypeError) and the spec (user config:
 * FEDERA_ERR_CORE_CONFIG_INVALID) before any randomness is drawn.
 */
export function validatePartitionInput(
  labels: ArrayLike<number>,
  numClients: number,
  spec: PartitionSpec,
): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isSafeInteger(y) || y < 0)
      throw new TypeError(`label ${i} is ${y}, expected a class id >= 0`);
  }
  const n = labels.length;
  if (!isPositiveInteger(numClients)) invalid(`numClients must be a positive integer, got ${numClients}`);
  if (numClients > n) invalid(`${numClients} clients but only ${n} examples`);
  switch (spec.kind) {
    case 'iid':
      return;
    case 'shards': {
      const { shardsPerClient } = spec;
      if (!isPositiveInteger(shardsPerClient)) {
        invalid(`shardsPerClient must be a positive integer, got ${shardsPerClient}`);
      }
      if (numClients * shardsPerClient > n) {
        invalid(`${numClients * shardsPerClient} shards but only ${n} examples`);
      }
      return;
    }
    case 'dirichlet': {
      const { alpha, minPerClient = DEFAULT_MIN_PER_CLIENT } = spec;
      if (!Number.isFinite(alpha) || alpha <= 0) invalid(`dirichlet alpha must be > 0, got ${alpha}`);
      if (!Number.isSafeInteger(minPerClient) || minPerClient < 0) {
        invalid(`minPerClient must be an integer >= 0, got ${minPerClient}`);
      }
      if (numClients * minPerClient > n) {
        invalid(`${numClients} clients x ${minPerClient} examples exceeds the ${n} available`);
      }
      return;
    }
    default:
      invalid(`unknown partition kind ${(spec as { kind: unknown }).kind}`);
  }
}
