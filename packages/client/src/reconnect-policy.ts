/**
 * How a client rides out an unreachable or restarting coordinator (issue 17):
 * socket.io's capped exponential backoff with jitter between attempts, and a
 * give-up time after which it stops. The same defaults apply to the Node and
 * browser `FederaClient` and to `federa client join`.
 */
export interface ReconnectPolicy {
  /** First retry delay, ms (doubles per attempt). */
  delayMs: number;
  /** Cap of the retry delay, ms. */
  delayMaxMs: number;
  /** Spread of each delay, 0..1 (0.5: ±50 %). */
  jitter: number;
  /** Stop after the coordinator was unreachable this long, ms; 0 never gives up. */
  giveUpAfterMs: number;
}

/** 250 ms doubling to 10 s, ±50 % jitter, give up after 10 minutes (long enough for a rolling upgrade). */
export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  delayMs: 250,
  delayMaxMs: 10_000,
  jitter: 0.5,
  giveUpAfterMs: 10 * 60_000,
});
