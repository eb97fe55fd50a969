import { sampleClients } from '@federa/core';
import type { EnvelopeBody } from '@federa/protocol';
import type { ClientPool } from '../gateway/client-pool.js';
import { randomId } from '../rounds/random-id.js';
import type { RunRecord, VersionRecord } from '../runs/run-types.js';
import type { EvaluationRecord, EvaluationStore } from './evaluation-store.js';
import { EvaluationRound } from './evaluation-round.js';
import { DEFAULT_EVALUATION_TIMEOUT_MS, evaluatesAfter } from './evaluation-settings.js';
import { untilDoneOrDeadline } from '../rounds/until-done.js';

/** What a {@link FederatedEvaluator} needs from the scheduler. */
export interface FederatedEvaluatorDeps {
  pool: ClientPool;
  evaluations: EvaluationStore;
  /** Aborts the wait when the run is stopped. */
  signal: AbortSignal;
}

/**
 * Client-side federated evaluation of a run's committed versions: after every
 * `evaluation.every`-th round, a uniform `fraction` of the idle clients
 * evaluate the new global model on their local test split and the
 * examples-weighted result is persisted per version. It has its own deadline
 * and ignores stragglers, so training waits at most `timeoutMs` for it.
 *
 * @example
 * const evaluator = new FederatedEvaluator({ pool, evaluations, signal });
 * await evaluator.afterCommit(run, version); // record or undefined
 */
export class FederatedEvaluator {
  private open: EvaluationRound | undefined;

  constructor(private readonly deps: FederatedEvaluatorDeps) {}

  /** The evaluation currently collecting results, if any. */
  get current(): EvaluationRound | undefined {
    return this.open;
  }

  /**
   * Evaluate `version` if the run's settings ask for it after this round and
   * enough clients are idle. Resolves the persisted record, or undefined when
   * skipped, stopped, or fewer than `minClients` scored it in time.
   */
  async afterCommit(run: RunRecord, version: VersionRecord): Promise<EvaluationRecord | undefined> {
    const settings = run.settings.evaluation;
    if (!evaluatesAfter(settings, version.round) || this.deps.signal.aborted) return undefined;
    const { pool } = this.deps;
    const idle = pool.idle(run.settings.id);
    if (idle.length < settings!.minClients) return undefined;
    const sampled = sampleClients(idle, {
      fraction: settings!.fraction,
      minClients: settings!.minClients,
      round: version.round,
      ...(run.settings.samplingSeed ? { seed: `${run.settings.samplingSeed}:eval` } : {}),
    });
    const startedAt = Date.now();
    const deadline = startedAt + (settings!.timeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS);
    const tasks = new Map(
      sampled.map((id) => [`${run.settings.id}.eval.${version.version}.${randomId()}`, id] as const),
    );
    const round = new EvaluationRound(
      run.settings.id,
      version.version,
      tasks,
      run.settings.maxExamplesPerClient,
    );
    pool.markBusy(sampled);
    this.open = round;
    try {
      for (const [taskId, clientId] of tasks) {
        const body: EnvelopeBody = {
          kind: 'evaluateTask',
          evaluateTask: {
            taskId,
            runId: run.settings.id,
            modelVersion: version.version,
            modelHash: version.hash,
            deadlineUnixMs: deadline,
            batchSize: run.settings.batchSize,
          },
        };
        // A failed send is a straggler like any other: the deadline handles it.
        pool
          .get(clientId)
          ?.send(body)
          .catch(() => undefined);
      }
      await untilDoneOrDeadline(round.allAnswered, deadline, this.deps.signal);
    } finally {
      round.close();
      this.open = undefined;
      pool.markIdle(sampled);
    }
    if (this.deps.signal.aborted || round.contributors.length < settings!.minClients) return undefined;
    const record: EvaluationRecord = {
      runId: run.settings.id,
      version: version.version,
      round: version.round,
      sampled,
      participants: round.participants,
      metrics: round.weightedMetrics(),
      numExamples: round.contributors.reduce((s, p) => s + p.numExamples, 0),
      startedAt,
      endedAt: Date.now(),
    };
    await this.deps.evaluations.put(record);
    return record;
  }
}
