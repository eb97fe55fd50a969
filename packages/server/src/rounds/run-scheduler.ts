import {
  type Strategy,
  type StrategyConfig,
  type StrategyState,
  type Weights,
  createStrategy,
  isFederaError,
  paramCount,
  sampleClients,
  weightsAreFinite,
} from '@federa/core';
import { type EnvelopeBody, hashWeights } from '@federa/protocol';
import { serverErrors } from '../errors.js';
import type { FederationEvents } from '../events.js';
import type { EvaluationRound, EvaluationStore } from '../evaluation/index.js';
import { FederatedEvaluator } from '../evaluation/index.js';
import type { ClientPool } from '../gateway/client-pool.js';
import { EPSILON_BUDGET_REASON, PrivacyLedger } from '../privacy/index.js';
import { RUN_DEFAULTS } from '../runs/run-settings.js';
import type { RoundRecord, RunRecord, VersionRecord } from '../runs/run-types.js';
import type { FederaStore } from '../store/store.js';
import { RoundRecovery } from '../recovery/round-recovery.js';
import type { ClientRefusals } from '../runs/client-refusals.js';
import type { ClosedTasks } from './closed-tasks.js';
import { collectorFor } from './collectors.js';
import type { RoundCollector } from './round-collector.js';
import type { DeviceDirectory } from '../secagg/device-directory.js';
import { randomId } from './random-id.js';
import { shuffleSeedOf } from '../tf/seeded-topology.js';
import { untilDoneOrDeadline } from './until-done.js';

/** Evaluates a candidate global model (e.g. test accuracy on held-out data). */
export type ServerEvaluator = (run: RunRecord, weights: Weights) => Promise<Record<string, number>>;

/** What a scheduler needs from the coordinator. */
export interface SchedulerDeps {
  store: FederaStore;
  events: FederationEvents;
  pool: ClientPool;
  closedTasks: ClosedTasks;
  evaluate?: ServerEvaluator | undefined;
  /** Where federated evaluation records go; client-side evaluation is off without it. */
  evaluations?: EvaluationStore;
  /** Enrolled device keys, relayed by malicious-server SecAgg+ rounds. */
  devices?: DeviceDirectory | undefined;
  /** Clients' typed refusals of tasks (data that does not fit the model), shown by `run status`. */
  refusals?: ClientRefusals;
}

/**
 * Drives one run round by round: wait for enough idle clients, sample, send
 * tasks, collect until all answered or the deadline, then aggregate and
 * commit the new version and the round record in one store batch. A round
 * short of its minimum is retried; nothing is committed for it.
 */
export class RunScheduler {
  private readonly abort = new AbortController();
  private open: RoundCollector | undefined;
  private loop: Promise<void> | undefined;
  private strategy!: Strategy;
  private readonly recovery: RoundRecovery;
  /** DP runs only: privacy spent so far (Mironov et al. 2019 RDP accountant). */
  private privacy: PrivacyLedger | undefined;
  private readonly evaluator: FederatedEvaluator | undefined;

  constructor(
    private readonly deps: SchedulerDeps,
    readonly runId: string,
  ) {
    this.recovery = new RoundRecovery(deps.store, deps.pool, runId);
    const { evaluations, pool } = deps;
    this.evaluator = evaluations && new FederatedEvaluator({ pool, evaluations, signal: this.abort.signal });
  }

  /** The federated evaluation currently collecting results, if any. */
  get currentEvaluation(): EvaluationRound | undefined {
    return this.evaluator?.current;
  }

  /** Sampled clients of the open attempt that refused their task, and who to tell when all have. */
  private readonly refusedNow = new Set<string>();
  private onAllRefused: (() => void) | undefined;
  private lastAttemptAllRefused = false;

  /** A sampled client refused its task: an attempt every client refused ends now, not at its deadline. */
  clientRefused(clientId: string): void {
    const sampled = new Set(this.open?.init.tasks.values());
    if (!sampled.has(clientId)) return;
    this.refusedNow.add(clientId);
    if (this.refusedNow.size === sampled.size) this.onAllRefused?.();
  }

  /** The round currently collecting updates, if any. */
  get currentRound(): RoundCollector | undefined {
    return this.open;
  }

  /** A client (re)connected: re-send its open task, same id, if it has not answered yet. */
  resendTaskTo(clientId: string): void {
    this.recovery.resendTo(clientId);
  }

  start(): Promise<void> {
    this.loop ??= this.run().catch(async (err: unknown) => {
      const run = await this.deps.store.getRun(this.runId);
      if (!run) return;
      const code = (err as { code?: string }).code ?? 'FEDERA_ERR_ROUND_FAILED';
      await this.saveRun({
        ...run,
        status: 'failed',
        error: { code, message: String((err as Error).message) },
      });
    });
    return this.loop;
  }

  /** Stop after aborting the open round (nothing of it is committed). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store } = this.deps;
    let run = (await store.getRun(this.runId))!;
    let weights = await store.getWeights(this.runId, run.currentVersion, run.specs);
    let state = await store.getStrategyState(this.runId, run.specs);
    // Resume server-side strategy state (momentum, moments, adaptive clip) exactly where it was committed.
    this.strategy = createStrategy(run.settings.strategy as StrategyConfig, state);
    this.privacy = PrivacyLedger.forRun(run);
    while (!this.abort.signal.aborted && run.completedRounds < run.settings.rounds) {
      // Checked before the round, so clients never train for a round that could not be released.
      if (this.privacy?.nextRoundExceedsBudget()) {
        await this.saveRun({ ...run, status: 'completed', completedReason: EPSILON_BUDGET_REASON });
        return;
      }
      const next = await this.runRound(run, weights, state);
      if (!next) return;
      ({ run, weights, state } = next);
    }
    if (!this.abort.signal.aborted) await this.saveRun({ ...run, status: 'completed' });
  }

  private async runRound(run: RunRecord, weights: Weights, state: StrategyState) {
    const round = run.completedRounds + 1;
    // After a restart the journal says which attempt was interrupted; its number is never reused.
    const { firstAttempt } = await this.recovery.plan(round);
    const lastAttempt = firstAttempt + run.settings.maxRoundAttempts - 1;
    let code = 'FEDERA_ERR_ROUND_FAILED';
    for (let attempt = firstAttempt; attempt <= lastAttempt; attempt++) {
      const startedAt = Date.now();
      const open = await this.collect(run, round, attempt);
      if (!open) return undefined;
      code = 'FEDERA_ERR_ROUND_FAILED';
      if (open.participants.length >= run.settings.minClients) {
        try {
          const delta = await open.aggregate();
          return await this.commit(run, open, delta, weights, state, startedAt);
        } catch (err) {
          // A typed aggregation failure (e.g. too few unmasking shares) fails this attempt only.
          if (!isFederaError(err)) throw err;
          code = err.code;
        }
      }
      await this.recovery.failed(round, attempt);
      this.deps.events.emit('round-failed', { runId: run.settings.id, round, attempt, code });
    }
    if (this.lastAttemptAllRefused) {
      // No capable client: say why rather than a bare "too few updates".
      const why = (this.deps.refusals?.list(run.settings.id) ?? [])
        .slice(-3)
        .map((r) => `${r.clientId}: ${r.code}: ${r.message}`)
        .join('; ');
      throw serverErrors.create('FEDERA_ERR_RUN_CLIENTS_REFUSED', `round ${round}: ${why}`);
    }
    throw serverErrors.create(
      'FEDERA_ERR_ROUND_FAILED',
      `round ${round} after ${run.settings.maxRoundAttempts} attempts (last: ${code})`,
    );
  }

  /** One attempt: sample, send tasks, wait for answers or the deadline. Undefined when stopped. */
  private async collect(run: RunRecord, round: number, attempt: number): Promise<RoundCollector | undefined> {
    const { pool, events } = this.deps;
    const strategy = this.strategy;
    const s = run.settings;
    // An attempt interrupted by a restart continues with its own clients, task ids and deadline.
    const resumed = this.recovery.takeResume(round, attempt);
    if (!resumed) await pool.waitForIdle(s.id, s.minClients, this.abort.signal);
    if (this.abort.signal.aborted) return undefined;
    const sampled = resumed
      ? resumed.tasks.map(([, id]) => id)
      : sampleClients(pool.idle(s.id), {
          ...(s.clientFraction === undefined ? { count: s.clientsPerRound } : { fraction: s.clientFraction }),
          minClients: s.minClients,
          round,
          ...(s.samplingSeed ? { seed: `${s.samplingSeed}:${attempt}` } : {}),
        }).slice(0, s.clientsPerRound); // a prefix of a uniform shuffle is a uniform sample
    // Busy before the first await: another run's scheduler must not sample the same client meanwhile.
    pool.markBusy(sampled);
    const tasks = new Map(
      resumed?.tasks ?? sampled.map((id) => [`${s.id}.${round}.${attempt}.${randomId()}`, id] as const),
    );
    const deadline = resumed?.deadline ?? Date.now() + s.roundTimeoutMs;
    const init = {
      runId: s.id,
      round,
      attempt,
      baseVersion: run.currentVersion,
      specs: run.specs,
      tasks,
      maxExamplesPerClient: s.maxExamplesPerClient,
      // Runs created before the bound existed get the default.
      maxUpdateNorm: s.maxUpdateNorm ?? RUN_DEFAULTS.maxUpdateNorm,
      deadline,
      send: (clientId: string, body: EnvelopeBody) => pool.get(clientId)?.send(body) ?? Promise.resolve(),
    };
    const open = collectorFor(run, init, strategy, this.deps.devices);
    // Write-ahead: the attempt is on disk before any task leaves.
    await this.recovery.opened(open);
    this.open = open;
    events.emit('round-started', { runId: s.id, round, attempt, sampled, deadline });
    const version = (await this.deps.store.getVersion(s.id, run.currentVersion))!;
    const extra = {
      ...strategy.clientConfig(),
      ...(s.seed === undefined ? {} : { shuffle_seed: shuffleSeedOf(s.seed) }),
      ...(s.localBatchNorm ? { local_batch_norm: 1 } : {}),
    };
    for (const [taskId, clientId] of tasks) {
      const task = {
        taskId,
        runId: s.id,
        round,
        modelVersion: run.currentVersion,
        modelHash: version.hash,
        hyperparameters: {
          localEpochs: s.localEpochs,
          batchSize: s.batchSize,
          learningRate: s.learningRate,
          extra,
        },
        deadlineUnixMs: deadline,
        attempt: attempt - 1,
        ...(open.secagg ? { secagg: open.secagg } : {}),
      };
      this.recovery.track(clientId, task);
      // A failed send is a dropout like any other: the deadline handles it.
      pool
        .get(clientId)
        ?.send({ kind: 'task', task })
        .catch(() => undefined);
    }
    this.refusedNow.clear();
    const allRefused = new Promise<void>((resolve) => {
      this.onAllRefused = resolve;
    });
    await untilDoneOrDeadline(Promise.race([open.allAnswered, allRefused]), deadline, this.abort.signal);
    this.onAllRefused = undefined;
    this.lastAttemptAllRefused = this.refusedNow.size > 0 && this.refusedNow.size === new Set(sampled).size;
    open.close();
    this.recovery.closed();
    this.open = undefined;
    for (const taskId of tasks.keys()) this.deps.closedTasks.add(taskId);
    pool.markIdle(sampled);
    return this.abort.signal.aborted ? undefined : open;
  }

  private async commit(
    run: RunRecord,
    open: RoundCollector,
    delta: Weights,
    weights: Weights,
    state: StrategyState,
    startedAt: number,
  ) {
    const { store, events, evaluate } = this.deps;
    const strategy = this.strategy;
    const step = strategy.applyDelta(weights, delta, state);
    // Whatever the strategy, a model with NaN or ±Infinity is never committed or served.
    if (!weightsAreFinite(step.weights)) {
      throw serverErrors.create('FEDERA_ERR_ROUND_NON_FINITE', `${run.settings.id} round ${open.init.round}`);
    }
    const evaluation = evaluate ? await evaluate(run, step.weights) : {};
    const privacy = this.privacy?.afterNextRound();
    const metrics = { ...open.metrics(), ...evaluation, ...privacy?.metrics() };
    const now = Date.now();
    const version: VersionRecord = {
      runId: run.settings.id,
      version: run.currentVersion + 1,
      round: open.init.round,
      hash: await hashWeights(run.specs, step.weights),
      createdAt: now,
      numParams: paramCount(run.specs),
      metrics,
    };
    const roundRecord: RoundRecord = {
      runId: run.settings.id,
      round: open.init.round,
      attempts: open.init.attempt,
      baseVersion: run.currentVersion,
      version: version.version,
      sampled: [...open.init.tasks.values()],
      participants: open.participants,
      dropped: open.close(),
      metrics,
      startedAt,
      endedAt: now,
    };
    const next: RunRecord = {
      ...run,
      completedRounds: open.init.round,
      currentVersion: version.version,
      updatedAt: now,
      ...(privacy ? { privacy: privacy.status() } : {}),
    };
    await store.commitRound({
      run: next,
      version,
      weights: step.weights,
      round: roundRecord,
      strategyState: step.state,
    });
    events.emit('run-updated', next);
    this.privacy = privacy;
    events.emit('round-committed', { round: roundRecord, version, durationMs: now - startedAt });
    // Federated evaluation of the new version, bounded by its own deadline.
    await this.evaluator?.afterCommit(next, version);
    return { run: next, weights: step.weights, state: step.state };
  }

  private async saveRun(run: RunRecord): Promise<void> {
    const saved = { ...run, updatedAt: Date.now() };
    await this.deps.store.putRun(saved);
    this.deps.events.emit('run-updated', saved);
  }
}
