import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_RECONNECT_POLICY, gaveUpError } from '@federa/client';
import { UnreachableError } from './errors.js';

/** What `untilReachable` reports: once when it starts retrying, once when the coordinator answers again. */
export type ReachState = 'retrying' | 'reconnected';

/**
 * Call `call` until the coordinator answers, treating {@link UnreachableError} as
 * transient (issue 17): the client's reconnect policy (capped exponential backoff
 * with jitter), giving up with FEDERA_ERR_CLIENT_GAVE_UP after `giveUpAfterMs`.
 * Any other error is thrown at once.
 */
export async function untilReachable<T>(
  call: () => Promise<T>,
  opts: { url: string; giveUpAfterMs: number; onState: (state: ReachState) => void },
): Promise<T> {
  const policy = DEFAULT_RECONNECT_POLICY;
  const since = Date.now();
  let wait = policy.delayMs;
  let retrying = false;
  for (;;) {
    try {
      const result = await call();
      if (retrying) opts.onState('reconnected');
      return result;
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err;
      const tried = Date.now() - since;
      if (opts.giveUpAfterMs > 0 && tried >= opts.giveUpAfterMs) throw gaveUpError(opts.url, tried);
      if (!retrying) opts.onState('retrying');
      retrying = true;
      await delay(wait * (1 - policy.jitter + 2 * policy.jitter * Math.random()));
      wait = Math.min(wait * 2, policy.delayMaxMs);
    }
  }
}

/** Answers of a coordinator (or its proxy) that is restarting, not of one that refused. */
export const RESTARTING: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * A `fetch` for the client library's REST calls (the feature-statistics pre-round) under the
 * same policy: a refused connection or a 502/503/504 is retried by {@link untilReachable}.
 */
export function reachableFetch(opts: Parameters<typeof untilReachable>[1]): typeof globalThis.fetch {
  return (input, init) =>
    untilReachable(async () => {
      let res: Response;
      try {
        res = await globalThis.fetch(input, init);
      } catch (err) {
        throw new UnreachableError(`cannot reach ${opts.url}: ${(err as Error).message}`);
      }
      if (RESTARTING.has(res.status)) throw new UnreachableError(`${opts.url} answered HTTP ${res.status}`);
      return res;
    }, opts);
}
