import type { FederaStore } from '../store/store.js';

/** What the coordinator persists about a round attempt before any task leaves it. */
export interface OpenRoundRecord {
  runId: string;
  round: number;
  attempt: number;
  baseVersion: number;
  /** [taskId, clientId] of every sampled client. */
  tasks: Array<[string, string]>;
  /** Unix ms; the attempt ends then, in this process or the next. */
  deadline: number;
  openedAt: number;
  /** 'collecting' until the attempt fails; a commit supersedes the record (its round is then done). */
  state: 'collecting' | 'failed';
  /** Whether a restarted coordinator may continue the attempt (plain rounds); else it is re-run. */
  resumable: boolean;
}

interface JsonSub {
  get(key: string): Promise<OpenRoundRecord | undefined>;
  put(key: string, value: OpenRoundRecord): Promise<void>;
  del(key: string): Promise<void>;
}

/**
 * Write-ahead record of each run's current round attempt, in its own sublevel
 * of the coordinator store. Written before tasks are sent, so a coordinator
 * killed at any point knows after restart which tasks were out (Bonawitz et
 * al. 2019, "Towards Federated Learning at Scale", §4: rounds survive server restarts).
 *
 * @example
 * const journal = new RoundJournal(store);
 * await journal.put(record); // then send the tasks
 */
export class RoundJournal {
  private readonly sub: JsonSub;

  constructor(store: FederaStore) {
    this.sub = store.db.sublevel<string, OpenRoundRecord>('open-rounds', {
      valueEncoding: 'json',
    }) as unknown as JsonSub;
  }

  get(runId: string): Promise<OpenRoundRecord | undefined> {
    return this.sub.get(runId);
  }

  put(record: OpenRoundRecord): Promise<void> {
    return this.sub.put(record.runId, record);
  }

  async markFailed(runId: string, round: number, attempt: number): Promise<void> {
    const record = await this.sub.get(runId);
    if (record?.round === round && record.attempt === attempt) await this.put({ ...record, state: 'failed' });
  }

  clear(runId: string): Promise<void> {
    return this.sub.del(runId);
  }
}

/** How a (re)started scheduler begins a round. */
export interface RoundPlan {
  firstAttempt: number;
  /** The interrupted attempt to continue with its task ids and deadline, when its state allows. */
  resume?: OpenRoundRecord;
}

/**
 * Decide from the journal how round `round` starts: continue the interrupted
 * attempt if it was collecting, can be resumed and has at least `minRemainingMs`
 * left; otherwise start the next attempt number (task ids never repeat).
 *
 * @example
 * planRound(await journal.get(runId), run.completedRounds + 1, Date.now(), 1000);
 */
export function planRound(
  record: OpenRoundRecord | undefined,
  round: number,
  now: number,
  minRemainingMs: number,
): RoundPlan {
  if (!record || record.round !== round) return { firstAttempt: 1 };
  if (record.state === 'collecting' && record.resumable && record.deadline - now >= minRemainingMs) {
    return { firstAttempt: record.attempt, resume: record };
  }
  return { firstAttempt: record.attempt + 1 };
}
