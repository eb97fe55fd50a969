import type { EvaluateResult } from '@federa/protocol';
import { checkClientMetrics, examplesWeightedMeans } from '../rounds/client-metrics.js';
import { evaluationErrors } from './evaluation-errors.js';

/** One client's counted evaluation result. */
export interface EvaluationParticipation {
  clientId: string;
  numExamples: number;
  metrics: Record<string, number>;
}

/**
 * One evaluation round while it collects results: checks each against its
 * task, keeps it, and resolves `allAnswered` once every sampled client replied.
 * Aggregation weights every metric by examples (McMahan et al. 2017, eq. 1 applied to evaluation).
 */
export class EvaluationRound {
  readonly participants: EvaluationParticipation[] = [];
  private closed = false;
  private resolveDone!: () => void;
  readonly allAnswered = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    readonly runId: string,
    readonly version: number,
    /** taskId -> clientId */
    readonly tasks: ReadonlyMap<string, string>,
    private readonly maxExamplesPerClient: number,
  ) {
    if (tasks.size === 0) this.resolveDone();
  }

  /** Validate and count one result; throws a typed error and changes nothing otherwise. */
  accept(clientId: string, result: EvaluateResult): EvaluationParticipation {
    if (this.closed || this.tasks.get(result.taskId) !== clientId || result.runId !== this.runId) {
      throw evaluationErrors.create('FEDERA_ERR_EVAL_UNKNOWN_TASK', result.taskId);
    }
    if (this.participants.some((p) => p.clientId === clientId)) {
      throw evaluationErrors.create('FEDERA_ERR_EVAL_DUPLICATE_RESULT', result.taskId);
    }
    const n = result.numExamples;
    if (result.modelVersion !== this.version || !Number.isSafeInteger(n) || n > this.maxExamplesPerClient) {
      throw evaluationErrors.create('FEDERA_ERR_EVAL_BAD_RESULT', `v${result.modelVersion}, n = ${n}`);
    }
    const metrics = checkClientMetrics(result.metrics);
    if (n > 0 && (metrics['loss'] === undefined || metrics['accuracy'] === undefined)) {
      throw evaluationErrors.create('FEDERA_ERR_EVAL_BAD_RESULT', 'loss and accuracy are required');
    }
    const participation = { clientId, numExamples: n, metrics };
    this.participants.push(participation);
    if (this.participants.length === this.tasks.size) this.resolveDone();
    return participation;
  }

  /** Stop accepting results (stragglers are then refused). */
  close(): void {
    this.closed = true;
  }

  /** Clients that returned at least one scored example. */
  get contributors(): EvaluationParticipation[] {
    return this.participants.filter((p) => p.numExamples > 0);
  }

  /** Examples-weighted mean of every reported metric, prefixed `fed_eval_`. */
  weightedMetrics(): Record<string, number> {
    return examplesWeightedMeans(this.contributors, 'fed_eval_');
  }
}
