import type { FederaStore } from '../store/store.js';
import {
  type AuditRetention,
  DEFAULT_PRUNE_INTERVAL_MS,
  auditKey,
  checkRetention,
  pruneThrough,
} from './audit-retention.js';

/** Who did it: a bearer principal (role + token id, never the token), a client, or the coordinator. */
export type AuditActor =
  | { role: string; tokenId: string }
  | { role: 'anonymous' }
  | { clientId: string }
  | { system: 'coordinator' };

/** One audit entry. `seq` is strictly increasing and never reused. */
export interface AuditEntry {
  seq: number;
  at: string;
  type: string;
  actor: AuditActor;
  /** What was acted on: run id, model/label, client id, token id. */
  target?: string;
  /** HTTP status of an administrative request; absent for round events. */
  status?: number;
  detail?: Record<string, unknown>;
}

/** Filter of {@link AuditLog.query}. */
export interface AuditQuery {
  /** Entries after this sequence number, or at/after this ISO time. */
  since?: number | string;
  /** Exact type, or a prefix ending in `.` (e.g. `round.`). */
  type?: string;
  /** Default 100, at most 1,000. */
  limit?: number;
}

type AuditOp = { type: 'del'; key: string } | { type: 'put'; key: string; value: AuditEntry };

interface AuditSub {
  put(key: string, value: AuditEntry): Promise<void>;
  values(range: { gt?: string; limit?: number; reverse?: boolean }): { all(): Promise<AuditEntry[]> };
  keys(range: { lte: string }): { all(): Promise<string[]> };
  batch(ops: AuditOp[]): Promise<void>;
}

/**
 * Append-only audit trail in the `audit` sublevel. Keys are zero-padded
 * sequence numbers, so level's ordering is the append order; there is no
 * update or delete method. Only retention removes entries: the oldest ones,
 * in one batch with an `audit.prune` entry that says how many.
 *
 * @example
 * const audit = await AuditLog.open(store, { maxAgeMs: 90 * 86_400_000 });
 * await audit.append({ type: 'client.revoke', actor: { role: 'admin', tokenId: 'ab12cd34' }, target: 'h1' });
 */
export class AuditLog {
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly sub: AuditSub,
    private readonly retention: AuditRetention | undefined,
  ) {}

  /** Open the log; with `retention`, prune once now and then every `retention.intervalMs`. */
  static async open(store: FederaStore, retention?: AuditRetention): Promise<AuditLog> {
    if (retention) checkRetention(retention);
    const limited = retention && (retention.maxAgeMs !== undefined || retention.maxEntries !== undefined);
    const sub = store.db.sublevel<string, AuditEntry>('audit', {
      valueEncoding: 'json',
    }) as unknown as AuditSub;
    const log = new AuditLog(sub, limited ? retention : undefined);
    const [last] = await sub.values({ reverse: true, limit: 1 }).all();
    log.seq = last?.seq ?? 0;
    if (limited) {
      await log.prune();
      const every = retention.intervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
      // A failed scheduled prune (e.g. the store closing) is retried at the next tick.
      log.timer = setInterval(() => void log.prune().catch(() => undefined), every);
      log.timer.unref();
    }
    return log;
  }

  /** Append one entry; appends are serialized so `seq` follows completion order. */
  append(entry: Omit<AuditEntry, 'seq' | 'at'> & { at?: string }): Promise<AuditEntry> {
    return this.serialized(async () => {
      const full: AuditEntry = { ...entry, seq: this.seq + 1, at: entry.at ?? new Date().toISOString() };
      await this.sub.put(auditKey(full.seq), full);
      this.seq = full.seq;
      return full;
    });
  }

  /**
   * Apply retention now: delete the oldest entries beyond the limits and append
   * an `audit.prune` entry (actor coordinator, `detail.removed`) in one level
   * batch. Resolves to the number removed; nothing is written when it is 0.
   */
  prune(): Promise<number> {
    const retention = this.retention;
    if (!retention) return Promise.resolve(0);
    return this.serialized(async () => {
      const now = Date.now();
      const through = await pruneThrough(this.sub, retention, this.seq, now);
      const keys = through > 0 ? await this.sub.keys({ lte: auditKey(through) }).all() : [];
      if (keys.length === 0) return 0;
      const { maxAgeMs, maxEntries } = retention;
      const record: AuditEntry = {
        seq: this.seq + 1,
        at: new Date(now).toISOString(),
        type: 'audit.prune',
        actor: { system: 'coordinator' },
        detail: { removed: keys.length, removedThrough: through, maxAgeMs, maxEntries },
      };
      // The log is never empty after a prune, so a reopened log never reuses a sequence number.
      await this.sub.batch([
        ...keys.map((key) => ({ type: 'del' as const, key })),
        { type: 'put', key: auditKey(record.seq), value: record },
      ]);
      this.seq = record.seq;
      return keys.length;
    });
  }

  /** Stop scheduled pruning and wait for pending writes (before the store closes). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.tail;
  }

  async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, q.limit ?? 100), 1000);
    const afterSeq = typeof q.since === 'number' ? q.since : 0;
    const sinceTime = typeof q.since === 'string' ? Date.parse(q.since) : Number.NaN;
    const matches = (e: AuditEntry) =>
      (q.type === undefined || (q.type.endsWith('.') ? e.type.startsWith(q.type) : e.type === q.type)) &&
      (Number.isNaN(sinceTime) || Date.parse(e.at) >= sinceTime);
    const out: AuditEntry[] = [];
    let cursor = auditKey(afterSeq);
    // Scan in pages so a selective filter over a long log stays bounded in memory.
    for (;;) {
      const page = await this.sub.values({ gt: cursor, limit: 500 }).all();
      for (const e of page) {
        if (matches(e)) out.push(e);
        if (out.length === limit) return out;
      }
      if (page.length < 500) return out;
      cursor = auditKey(page[page.length - 1]!.seq);
    }
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
