import type { AuditLog } from './audit-log.js';

/** Distinct (type, status, address) keys a window holds; past it, addresses fold into `*`. */
const MAX_KEYS = 1024;
/** Caller-chosen ids kept as a sample per key, each cut to this length. */
const SAMPLE_IDS = 5;
const MAX_ID_LENGTH = 128;

interface Tally {
  type: string;
  status: number;
  address: string;
  count: number;
  from: string;
  to: string;
  clientIds: Set<string>;
}

/**
 * Refused unauthenticated attempts (a 401 on an administrative route, a failed or rate-limited
 * enrolment whose client id the caller chose) summed per window and address, so a flood of them
 * writes one audit entry per (type, status, address) and window with a count, not one each.
 *
 * @example
 * const tally = new RefusalTally(audit);
 * tally.add('client.enrol', 429, request.ip, body.clientId);
 * await tally.flush(); // at the window's end, before a read, at close
 */
export class RefusalTally {
  private tallies = new Map<string, Tally>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly audit: AuditLog,
    windowMs = 60_000,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), windowMs);
    this.timer.unref();
  }

  add(type: string, status: number, address: string, clientId?: string): void {
    let key = `${type}\u0000${status}\u0000${address}`;
    if (!this.tallies.has(key) && this.tallies.size >= MAX_KEYS) {
      address = '*';
      key = `${type}\u0000${status}\u0000*`;
    }
    const now = new Date().toISOString();
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { type, status, address, count: 0, from: now, to: now, clientIds: new Set() };
      this.tallies.set(key, tally);
    }
    tally.count++;
    tally.to = now;
    if (clientId !== undefined && tally.clientIds.size < SAMPLE_IDS)
      tally.clientIds.add(clientId.slice(0, MAX_ID_LENGTH));
  }

  /** Append one entry per tally and start a new window. */
  async flush(): Promise<void> {
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    for (const t of tallies) {
      await this.audit.append({
        type: t.type,
        actor: { role: 'anonymous' },
        status: t.status,
        detail: {
          refused: t.count,
          address: t.address,
          from: t.from,
          to: t.to,
          ...(t.clientIds.size ? { clientIds: [...t.clientIds] } : {}),
        },
      });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
