/** Per-client limits of the socket gateway. */
export interface RateLimitOptions {
  /** Sustained messages (frames) per second. Default 500. */
  messagesPerSecond: number;
  /** Burst of messages. Default 1,000. */
  messageBurst: number;
  /** Sustained bytes per second. Default 64 MiB. */
  bytesPerSecond: number;
  /** Burst of bytes; keep it at least one full upload. Default 256 MiB. */
  byteBurst: number;
  /** Refusals within `abuseWindowMs` that end the connection. Default 200. */
  disconnectAfter: number;
  abuseWindowMs: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimitOptions = {
  messagesPerSecond: 500,
  messageBurst: 1000,
  bytesPerSecond: 64 * 1024 * 1024,
  byteBurst: 256 * 1024 * 1024,
  disconnectAfter: 200,
  abuseWindowMs: 10_000,
};

/** Verdict on one message: pass it, refuse it, or refuse it and disconnect. */
export type RateVerdict = 'ok' | 'limited' | 'disconnect';

interface Bucket {
  messages: number;
  bytes: number;
  at: number;
  strikes: number;
  windowStart: number;
}

/**
 * Token buckets (Turner 1986) keyed by client: one for messages, one for bytes.
 * Buckets outlive a connection so reconnecting does not refill them; idle ones
 * (already full again) are swept.
 *
 * @example
 * const limiter = new KeyedRateLimiter({ messagesPerSecond: 10 });
 * if (limiter.take('hospital-1', frame.byteLength) !== 'ok') refuse();
 */
export class KeyedRateLimiter {
  readonly limits: RateLimitOptions;
  private readonly buckets = new Map<string, Bucket>();
  private takesSinceSweep = 0;

  constructor(limits: Partial<RateLimitOptions> = {}) {
    this.limits = { ...RATE_LIMIT_DEFAULTS, ...limits };
    for (const [name, v] of Object.entries(this.limits)) {
      if (!(typeof v === 'number' && v > 0))
        throw new TypeError(`rate limit ${name} must be a positive number`);
    }
  }

  take(key: string, bytes: number, now = Date.now()): RateVerdict {
    if (++this.takesSinceSweep >= 10_000) this.sweep(now);
    const l = this.limits;
    let b = this.buckets.get(key);
    if (!b) {
      b = { messages: l.messageBurst, bytes: l.byteBurst, at: now, strikes: 0, windowStart: now };
      this.buckets.set(key, b);
    }
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.messages = Math.min(l.messageBurst, b.messages + elapsed * l.messagesPerSecond);
    b.bytes = Math.min(l.byteBurst, b.bytes + elapsed * l.bytesPerSecond);
    b.at = now;
    if (b.messages >= 1 && b.bytes >= bytes) {
      b.messages -= 1;
      b.bytes -= bytes;
      return 'ok';
    }
    if (now - b.windowStart > l.abuseWindowMs) {
      b.windowStart = now;
      b.strikes = 0;
    }
    return ++b.strikes >= l.disconnectAfter ? 'disconnect' : 'limited';
  }

  /** Forget a key (e.g. a socket that never said hello). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drop buckets that have refilled completely: they hold no information. */
  sweep(now = Date.now()): void {
    this.takesSinceSweep = 0;
    const l = this.limits;
    const full = Math.max(l.messageBurst / l.messagesPerSecond, l.byteBurst / l.bytesPerSecond) * 1000;
    for (const [key, b] of this.buckets) {
      if (now - b.at >= full && (b.strikes === 0 || now - b.windowStart > l.abuseWindowMs))
        this.buckets.delete(key);
    }
  }
}
