import type { FederaStore } from '../store/store.js';

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

interface AuditSub {
  put(key: string, value: AuditEntry): Promise<void>;
  values(range: { gt?: string; limit?: number; reverse?: boolean }): { all(): Promise<AuditEntry[]> };
}

const keyOf = (seq: number) => String(seq).padStart(16, '0');

/**
 * Append-only audit trail in the `audit` sublevel. Keys are zero-padded
 * sequence numbers, so level's ordering is the append order; there is no
 * update or delete method.
 *
 * @example
 * const audit = await AuditLog.open(store);
 * await audit.append({ type: 'client.revoke', actor: { role: 'admin', tokenId: 'ab12cd34' }, target: 'h1' });
 */
export class AuditLog {
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly sub: AuditSub) {}

  static async open(store: FederaStore): Promise<AuditLog> {
    const sub = store.db.sublevel<string, AuditEntry>('audit', {
      valueEncoding: 'json',
    }) as unknown as AuditSub;
    const log = new AuditLog(sub);
    const [last] = await sub.values({ reverse: true, limit: 1 }).all();
    log.seq = last?.seq ?? 0;
    return log;
  }

  /** Append one entry; appends are serialized so `seq` follows completion order. */
  append(entry: Omit<AuditEntry, 'seq' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const write = async () => {
      const full: AuditEntry = { ...entry, seq: this.seq + 1, at: entry.at ?? new Date().toISOString() };
      await this.sub.put(keyOf(full.seq), full);
      this.seq = full.seq;
      return full;
    };
    const next = this.tail.then(write, write);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, q.limit ?? 100), 1000);
    const afterSeq = typeof q.since === 'number' ? q.since : 0;
    const sinceTime = typeof q.since === 'string' ? Date.parse(q.since) : Number.NaN;
    const matches = (e: AuditEntry) =>
      (q.type === undefined || (q.type.endsWith('.') ? e.type.startsWith(q.type) : e.type === q.type)) &&
      (Number.isNaN(sinceTime) || Date.parse(e.at) >= sinceTime);
    const out: AuditEntry[] = [];
    let cursor = keyOf(afterSeq);
    // Scan in pages so a selective filter over a long log stays bounded in memory.
    for (;;) {
      const page = await this.sub.values({ gt: cursor, limit: 500 }).all();
      for (const e of page) {
        if (matches(e)) out.push(e);
        if (out.length === limit) return out;
      }
      if (page.length < 500) return out;
      cursor = keyOf(page[page.length - 1]!.seq);
    }
  }
}
