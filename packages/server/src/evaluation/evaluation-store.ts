import type { FederaStore } from '../store/store.js';

/** One federated evaluation of a committed version, as persisted and returned by the run status API. */
export interface EvaluationRecord {
  runId: string;
  version: number;
  /** The round that produced the version. */
  round: number;
  sampled: string[];
  /** Clients whose result was counted (numExamples 0 = answered without test data). */
  participants: Array<{ clientId: string; numExamples: number; metrics: Record<string, number> }>;
  /** Examples-weighted means: `fed_eval_loss`, `fed_eval_accuracy` (and any other reported metric, prefixed). */
  metrics: Record<string, number>;
  numExamples: number;
  startedAt: number;
  endedAt: number;
}

interface JsonSub {
  get(key: string): Promise<EvaluationRecord | undefined>;
  put(key: string, value: EvaluationRecord): Promise<void>;
  values(range: { gt: string; lt: string }): { all(): Promise<EvaluationRecord[]> };
}

const key = (runId: string, version: number) => `${runId}!${String(version).padStart(10, '0')}`;

/**
 * Evaluation records in their own sublevel of the coordinator's level store,
 * keyed by run and version (re-evaluating a version replaces its record).
 *
 * @example
 * const evaluations = new EvaluationStore(server.store);
 * await evaluations.list('mnist'); // [{ version: 2, metrics: { fed_eval_accuracy: 0.91, ... } }]
 */
export class EvaluationStore {
  private readonly sub: JsonSub;

  constructor(store: FederaStore) {
    this.sub = store.db.sublevel<string, EvaluationRecord>('evaluations', {
      valueEncoding: 'json',
    }) as unknown as JsonSub;
  }

  put(record: EvaluationRecord): Promise<void> {
    return this.sub.put(key(record.runId, record.version), record);
  }

  get(runId: string, version: number): Promise<EvaluationRecord | undefined> {
    return this.sub.get(key(runId, version));
  }

  /** Every evaluation of a run, oldest version first. */
  list(runId: string): Promise<EvaluationRecord[]> {
    return this.sub.values({ gt: `${runId}!`, lt: `${runId}!~` }).all();
  }
}
