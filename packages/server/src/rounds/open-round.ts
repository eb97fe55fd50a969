import { type RoundAggregator, type Weights, clipToNorm, l2Norm } from '@federa/core';
import { type WeightUpdate, weightsFromTensors } from '@federa/protocol';
import { serverErrors } from '../errors.js';
import type { Participation } from '../runs/run-types.js';
import { checkClientMetrics, examplesWeightedMeans } from './client-metrics.js';
import type { RoundCollector, RoundInit } from './round-collector.js';

/**
 * One attempt of one round while it collects updates. Every check happens
 * before the aggregator sees the update, so a rejected update leaves no trace.
 */
export class OpenRound implements RoundCollector {
  readonly participants: Participation[] = [];
  private readonly answered = new Set<string>();
  private closed = false;
  private resolveDone!: () => void;
  /** Resolves when every sampled client answered (the deadline is the scheduler's). */
  readonly allAnswered = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    readonly init: RoundInit,
    private readonly aggregator: RoundAggregator,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The strategy's aggregate of the accepted updates. */
  async aggregate(): Promise<Weights> {
    return this.aggregator.finish();
  }

  /** Examples-weighted means of the metrics the accepted updates reported. */
  metrics(): Record<string, number> {
    return examplesWeightedMeans(this.participants);
  }

  /** Stop accepting updates; returns the sampled clients that never answered. */
  close(): string[] {
    this.closed = true;
    return [...this.init.tasks.values()].filter((id) => !this.answered.has(id));
  }

  /** The client this task was given to, if the task belongs to this round. */
  clientOf(taskId: string): string | undefined {
    return this.init.tasks.get(taskId);
  }

  /** Validate and fold in one update; throws a typed error and changes nothing otherwise. */
  accept(clientId: string, update: WeightUpdate): Participation {
    const { init } = this;
    if (this.closed) throw serverErrors.create('FEDERA_ERR_ROUND_CLOSED', update.taskId);
    if (init.tasks.get(update.taskId) !== clientId) {
      throw serverErrors.create('FEDERA_ERR_ROUND_UNKNOWN_TASK', update.taskId);
    }
    if (this.answered.has(clientId))
      throw serverErrors.create('FEDERA_ERR_ROUND_DUPLICATE_UPDATE', update.taskId);
    if (update.runId !== init.runId || update.round !== init.round) {
      throw serverErrors.create('FEDERA_ERR_ROUND_WRONG_ROUND', `${update.runId} round ${update.round}`);
    }
    if (update.baseVersion !== init.baseVersion) {
      throw serverErrors.create(
        'FEDERA_ERR_ROUND_WRONG_VERSION',
        `v${update.baseVersion}, expected v${init.baseVersion}`,
      );
    }
    const n = update.numExamples;
    if (!Number.isSafeInteger(n) || n < 1 || n > init.maxExamplesPerClient) {
      throw serverErrors.create('FEDERA_ERR_ROUND_BAD_EXAMPLES', `update.num_examples = ${n}`);
    }
    const metrics = checkClientMetrics(update.metrics);
    const { weights } = weightsFromTensors(update.tensors, init.specs);
    const delta = boundNorm(weights, init.maxUpdateNorm);
    this.aggregator.add({ clientId, numExamples: n, delta, metrics });
    this.answered.add(clientId);
    const participation = { clientId, numExamples: n, metrics };
    this.participants.push(participation);
    if (this.answered.size === init.tasks.size) this.resolveDone();
    return participation;
  }
}

/**
 * Server-side norm clipping (Sun et al. 2019): one client can move the model by at most `bound` per
 * round, however large the delta it sends. NaN norms pass through to the aggregator's finiteness check.
 */
function boundNorm(delta: Weights, bound: number): Weights {
  return l2Norm(delta) > bound ? clipToNorm(delta, bound).clipped : delta;
}
