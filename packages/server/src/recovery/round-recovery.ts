import type { RoundTask } from '@federa/protocol';
import type { ClientPool } from '../gateway/client-pool.js';
import { OpenRound } from '../rounds/open-round.js';
import type { RoundCollector } from '../rounds/round-collector.js';
import type { FederaStore } from '../store/store.js';
import { type OpenRoundRecord, RoundJournal, type RoundPlan, planRound } from './round-journal.js';

/** A resumed attempt needs at least this long left, or it is re-run instead. */
const MIN_RESUME_MS = 500;

/**
 * A scheduler's crash-safety companion: plans each round from the journal,
 * persists every attempt before its tasks are sent, and re-sends an open task
 * to its client whenever that client (re)connects, with the same task id, so
 * an update trained before a coordinator restart or a client reconnect still counts.
 *
 * @example
 * const plan = await recovery.plan(round);
 * await recovery.opened(collector, resumed !== undefined); // before any task is sent
 */
export class RoundRecovery {
  private readonly journal: RoundJournal;
  private pending: OpenRoundRecord | undefined;
  private collector: RoundCollector | undefined;
  private readonly tasks = new Map<string, RoundTask>();

  constructor(
    store: FederaStore,
    private readonly pool: ClientPool,
    readonly runId: string,
  ) {
    this.journal = new RoundJournal(store);
  }

  /** Where round `round` starts; remembers an interrupted attempt for {@link takeResume}. */
  async plan(round: number): Promise<RoundPlan> {
    const plan = planRound(await this.journal.get(this.runId), round, Date.now(), MIN_RESUME_MS);
    this.pending = plan.resume;
    return plan;
  }

  /** The interrupted attempt to continue as `attempt` of `round`, once. */
  takeResume(round: number, attempt: number): OpenRoundRecord | undefined {
    const r = this.pending;
    this.pending = undefined;
    return r && r.round === round && r.attempt === attempt && r.deadline > Date.now() ? r : undefined;
  }

  /** Persist the attempt (the write-ahead step); call before any of its tasks is sent. */
  async opened(collector: RoundCollector): Promise<void> {
    const { init } = collector;
    this.collector = collector;
    this.tasks.clear();
    await this.journal.put({
      runId: init.runId,
      round: init.round,
      attempt: init.attempt,
      baseVersion: init.baseVersion,
      tasks: [...init.tasks],
      deadline: init.deadline,
      openedAt: Date.now(),
      state: 'collecting',
      // SecAgg+ key material lives only in memory: such an attempt is re-run, never continued.
      resumable: collector instanceof OpenRound,
    });
  }

  /** Remember a task as sent, for re-sending on reconnect. */
  track(clientId: string, task: RoundTask): void {
    this.tasks.set(clientId, task);
  }

  /** The attempt stopped collecting. */
  closed(): void {
    this.collector = undefined;
    this.tasks.clear();
  }

  /** The attempt failed (too few updates or a typed aggregation failure); persisted before the retry. */
  failed(round: number, attempt: number): Promise<void> {
    return this.journal.markFailed(this.runId, round, attempt);
  }

  /** A client said hello again: give it back its open task if it has not answered yet. */
  resendTo(clientId: string): void {
    const open = this.collector;
    const task = this.tasks.get(clientId);
    if (!(open instanceof OpenRound) || open.isClosed || !task) return;
    if (open.participants.some((p) => p.clientId === clientId)) return;
    // A session that no longer declares this run gets none of its tasks (consent is per session).
    const client = this.pool.get(clientId);
    if (!client?.runs.has(this.runId)) return;
    this.pool.markBusy([clientId]);
    void client.send({ kind: 'task', task }).catch(() => undefined);
  }
}
