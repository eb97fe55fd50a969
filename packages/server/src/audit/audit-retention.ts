import { auditErrors } from './errors.js';

/** How long the audit log keeps entries (`buildServer({ auditRetention })`); no limit keeps everything. */
export interface AuditRetention {
  /** Entries older than this many milliseconds are removed. */
  maxAgeMs?: number;
  /** At most this many entries remain after a prune, its own `audit.prune` entry included. */
  maxEntries?: number;
  /** Retention runs at open and then this often. Default one hour. */
  intervalMs?: number;
}

/** Stored entry fields retention looks at. */
export interface RetainedEntry {
  seq: number;
  at: string;
}

/** The reads retention needs from the `audit` sublevel, in key (= append) order. */
export interface RetentionReader {
  values(range: { gt?: string; limit?: number }): { all(): Promise<RetainedEntry[]> };
}

export const DEFAULT_PRUNE_INTERVAL_MS = 3_600_000;
// setInterval treats larger delays as 1 ms.
const MAX_TIMER_MS = 2_147_483_647;

/** Zero-padded key of a sequence number, so level's key order is the append order. */
export const auditKey = (seq: number) => String(seq).padStart(16, '0');

/** Throws FEDERA_ERR_AUDIT_RETENTION_INVALID for a limit that is not positive. */
export function checkRetention(r: AuditRetention): void {
  const bad = (what: string) => auditErrors.create('FEDERA_ERR_AUDIT_RETENTION_INVALID', what);
  if (r.maxAgeMs !== undefined && !(Number.isFinite(r.maxAgeMs) && r.maxAgeMs > 0)) {
    throw bad(`maxAgeMs ${r.maxAgeMs}`);
  }
  if (r.maxEntries !== undefined && !(Number.isInteger(r.maxEntries) && r.maxEntries >= 1)) {
    throw bad(`maxEntries ${r.maxEntries}`);
  }
  const interval = r.intervalMs;
  if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1 && interval <= MAX_TIMER_MS)) {
    throw bad(`intervalMs ${interval}`);
  }
}

/**
 * Sequence number of the newest entry retention removes (0: none). Removal is
 * always a prefix of the log: the oldest entries, up to that number.
 */
export async function pruneThrough(
  sub: RetentionReader,
  r: AuditRetention,
  lastSeq: number,
  now: number,
): Promise<number> {
  const [first] = await sub.values({ limit: 1 }).all();
  if (!first) return 0;
  let through = 0;
  // One slot stays free for the prune's own entry.
  if (r.maxEntries !== undefined && lastSeq - first.seq + 1 > r.maxEntries) {
    through = lastSeq - r.maxEntries + 1;
  }
  if (r.maxAgeMs === undefined) return through;
  const cutoff = now - r.maxAgeMs;
  let cursor = through > 0 ? auditKey(through) : undefined;
  // Pages, so a long log is never read into memory at once; stops at the first young entry.
  for (;;) {
    const page = await sub.values({ ...(cursor ? { gt: cursor } : {}), limit: 500 }).all();
    for (const e of page) {
      if (!(Date.parse(e.at) < cutoff)) return through;
      through = e.seq;
    }
    if (page.length < 500) return through;
    cursor = auditKey(page[page.length - 1]!.seq);
  }
}
