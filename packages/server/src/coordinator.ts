import {
  type StrategyConfig,
  type TensorSpec,
  type Weights,
  isFederaError,
  paramCount,
  validateRunStrategy,
  type TabularTransform,
} from '@federa/core';
import {
  type Envelope,
  type EvaluateResult,
  type WeightUpdate,
  encodeEnvelope,
  envelope,
  hashWeights,
  tensorsFromWeights,
  toFrames,
} from '@federa/protocol';
import type { SecAggBody } from '@federa/protocol';
import { serverErrors } from './errors.js';
import { EvaluationStore, checkEvaluationSettings, evaluationErrors } from './evaluation/index.js';
import type { FederationEvents } from './events.js';
import { ClientPool } from './gateway/client-pool.js';
import { RunMembership, type RunMembershipDeps } from './membership/index.js';
import type { Participation } from './runs/run-types.js';
import { checkPrivacySettings } from './privacy/index.js';
import { ClosedTasks } from './rounds/closed-tasks.js';
import { clientGone, routeSecAgg } from './secagg/sessions.js';
import type { DeviceDirectory } from './secagg/device-directory.js';
import { withThreatModel } from './secagg/settings.js';
import { RunScheduler, type ServerEvaluator } from './rounds/run-scheduler.js';
import { normalizeRunSettings } from './runs/run-settings.js';
import type { RunRecord, RunSettings, TabularModelSpec } from './runs/run-types.js';
import { EncodedVersionCache } from './store/encoded-versions.js';
import type { FederaStore } from './store/store.js';
import { initialWeightsFor } from './tf/model.js';
import { countTopologyParams } from './tf/param-count.js';
import { tabularTopology } from './tf/tabular-topology.js';
import { ClientRefusals } from './runs/client-refusals.js';

/** A new run: settings, the model topology, and optionally its initial weights. */
export interface CreateRunInput {
  settings: Partial<RunSettings> & { id: string };
  /** tf.LayersModel topology JSON (`modelTopology`); absent with `tabular`. */
  topology?: unknown;
  /**
   * Instead of a topology: a tabular model built when the run's feature statistics freeze, its input
   * width and class count taken from their transform (the run waits until then).
   */
  tabular?: TabularModelSpec;
  /** Initial weights in getWeights() order; drawn from the topology's initializers when absent. */
  initial?: { specs: TensorSpec[]; weights: Weights };
}

/** Options of the coordinator core. */
export interface CoordinatorOptions {
  store: FederaStore;
  events: FederationEvents;
  chunkBytes: number;
  /** Parameter cap of a run's model; default {@link DEFAULT_MAX_MODEL_PARAMS}. */
  maxModelParams?: number | undefined;
  evaluate?: ServerEvaluator | undefined;
  /** True for a revoked client id: such clients are never sampled. */
  isRevoked?: ((clientId: string) => boolean) | undefined;
  /** Enrolled device keys, for secure aggregation against a malicious server (absent without identity). */
  devices?: DeviceDirectory | undefined;
  /** The runs an enrolled client's enrolment covers (undefined: any run). */
  runScope?: RunMembershipDeps['runScope'];
}

/** 10 M float32 parameters: 40 MB per version, far above the bundled models (the MNIST 2NN has 199 210). */
export const DEFAULT_MAX_MODEL_PARAMS = 10_000_000;

/**
 * The coordinator's central object: runs and their schedulers, the pool of
 * connected clients, and the handling of updates and model requests. The
 * socket.io gateway and the REST routes only translate to and from it.
 */
export class Coordinator {
  readonly pool: ClientPool;
  /** Which runs each client joined; RunEnded to members when a run ends. */
  readonly membership: RunMembership;
  private readonly closedTasks = new ClosedTasks();
  private readonly schedulers = new Map<string, RunScheduler>();
  /** Wire frames and envelopes of model versions, encoded once each (issue 11 row 9). */
  private readonly encoded = new EncodedVersionCache<Uint8Array[]>((parts) =>
    parts.reduce((sum, p) => sum + p.byteLength, 0),
  );
  /** Federated evaluation records, per run and version. */
  readonly evaluations: EvaluationStore;
  /** Clients' refusals of runs' tasks, per run (in memory). */
  readonly refusals = new ClientRefusals();

  constructor(private readonly opts: CoordinatorOptions) {
    this.pool = new ClientPool(opts.isRevoked);
    this.membership = new RunMembership({
      store: opts.store,
      events: opts.events,
      pool: this.pool,
      runScope: opts.runScope,
    });
    this.evaluations = new EvaluationStore(opts.store);
    // A disconnected client will not answer the SecAgg+ stage it is in: stop waiting for it.
    opts.events.on('client-disconnected', ({ clientId }) => clientGone(clientId));
  }

  get store(): FederaStore {
    return this.opts.store;
  }

  /** Create and persist a run with its version 0. */
  async createRun(input: CreateRunInput): Promise<RunRecord> {
    const settings = normalizeRunSettings(input.settings);
    if (settings.secureAggregation)
      settings.secureAggregation = withThreatModel(settings.secureAggregation, this.opts.devices);
    // Refuse an incompatible strategy configuration now, never mid-run.
    validateRunStrategy(settings.strategy as StrategyConfig, {
      secureAggregation: Boolean((settings as { secureAggregation?: unknown }).secureAggregation),
      clientsPerRound: settings.clientsPerRound,
      minClients: settings.minClients,
    });
    checkPrivacySettings(settings);
    checkEvaluationSettings(settings);
    if (await this.store.getRun(settings.id)) throw serverErrors.create('FEDERA_ERR_RUN_EXISTS', settings.id);
    const now = Date.now();
    if (input.topology === undefined && input.tabular) {
      const waiting: RunRecord = {
        settings,
        topology: null,
        specs: [],
        status: 'created',
        completedRounds: 0,
        currentVersion: 0,
        createdAt: now,
        updatedAt: now,
        awaitingFeatures: input.tabular,
      };
      await this.store.putRun(waiting);
      this.opts.events.emit('run-updated', waiting);
      return waiting;
    }
    return this.createModel(settings, input.topology, input.initial, now);
  }

  /**
   * Give a run created with `tabular` its model once its feature statistics froze: a logistic or MLP
   * classifier as wide as the transform's encoded inputs, over its classes, and version 0.
   */
  async modelFromFeatures(runId: string, transform: TabularTransform): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run?.awaitingFeatures) return;
    const { kind, hidden } = run.awaitingFeatures;
    const inputs = transform.features.reduce(
      (n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length),
      0,
    );
    const topology = tabularTopology({
      kind,
      inputs,
      classes: transform.classes.length,
      hidden: hidden ?? 16,
    });
    await this.createModel(run.settings, topology, undefined, run.createdAt);
  }

  /** Check the model against the parameter cap, draw version 0 and store run and version at once. */
  private async createModel(
    settings: RunSettings,
    topology: unknown,
    given: CreateRunInput['initial'],
    createdAt: number,
  ): Promise<RunRecord> {
    // Counted from the JSON first: a topology too big to build is refused before TF.js allocates it.
    // In-process callers that bring their own initial weights (synthetic runs) are counted by layout.
    const declared = given ? paramCount(given.specs) : countTopologyParams(topology);
    const cap = this.opts.maxModelParams ?? DEFAULT_MAX_MODEL_PARAMS;
    if (declared > cap) throw serverErrors.create('FEDERA_ERR_RUN_MODEL_TOO_LARGE', `${declared} > ${cap}`);
    const built = given ? undefined : await buildInitialWeights(topology, settings.seed);
    const initial = given ?? built!;
    const now = Date.now();
    const run: RunRecord = {
      settings,
      topology,
      specs: initial.specs,
      ...(built ? { modelShape: built.shape } : {}),
      status: 'created',
      completedRounds: 0,
      currentVersion: 0,
      createdAt,
      updatedAt: now,
    };
    const hash = await hashWeights(initial.specs, initial.weights);
    const numParams = paramCount(initial.specs);
    const version0 = {
      runId: settings.id,
      version: 0,
      round: 0,
      hash,
      createdAt: now,
      numParams,
      metrics: {},
    };
    await this.store.createRun(run, version0, initial.weights);
    this.opts.events.emit('run-updated', run);
    return run;
  }

  async getRun(id: string): Promise<RunRecord> {
    const run = await this.store.getRun(id);
    if (!run) throw serverErrors.create('FEDERA_ERR_RUN_NOT_FOUND', id);
    return run;
  }

  /** Start (or continue after a stop or restart) a run's rounds. */
  async startRun(id: string): Promise<RunRecord> {
    if (this.schedulers.has(id)) return this.getRun(id);
    const scheduler = new RunScheduler(
      {
        ...this.opts,
        pool: this.pool,
        closedTasks: this.closedTasks,
        evaluations: this.evaluations,
        refusals: this.refusals,
      },
      id,
    );
    // Claimed before the first await, so a concurrent start of the same run returns above.
    this.schedulers.set(id, scheduler);
    try {
      const run = await this.getRun(id);
      if (run.status === 'completed') throw serverErrors.create('FEDERA_ERR_RUN_STATE', `${id} is completed`);
      if (run.awaitingFeatures) {
        throw serverErrors.create(
          'FEDERA_ERR_RUN_STATE',
          `${id} waits for its feature statistics (its model's width follows from them); start it once the quorum reported`,
        );
      }
      const running: RunRecord = { ...run, status: 'running', updatedAt: Date.now() };
      delete running.error;
      await this.store.putRun(running);
      this.opts.events.emit('run-updated', running);
      void scheduler.start().finally(() => {
        if (this.schedulers.get(id) === scheduler) this.schedulers.delete(id);
      });
      return running;
    } catch (err) {
      if (this.schedulers.get(id) === scheduler) this.schedulers.delete(id);
      throw err;
    }
  }

  /** Stop a run; its open round is dropped, committed versions stay. */
  async stopRun(id: string): Promise<RunRecord> {
    const run = await this.getRun(id);
    const scheduler = this.schedulers.get(id);
    this.schedulers.delete(id);
    await scheduler?.stop();
    if (run.status !== 'running') return run;
    // Re-read: the scheduler may have committed progress while it stopped.
    const stopped: RunRecord = { ...(await this.getRun(id)), status: 'stopped', updatedAt: Date.now() };
    await this.store.putRun(stopped);
    this.opts.events.emit('run-updated', stopped);
    return stopped;
  }

  /** After a restart: continue every run that was running when the process died. */
  async resumeRunning(): Promise<string[]> {
    const running = (await this.store.listRuns()).filter((r) => r.status === 'running');
    for (const r of running) await this.startRun(r.settings.id);
    return running.map((r) => r.settings.id);
  }

  /** Resolves when the run's scheduler loop has ended (completed, failed or stopped). */
  async whenIdle(id: string): Promise<void> {
    await this.schedulers.get(id)?.start();
  }

  /** Validate and count an update from `clientId`; throws a typed error otherwise. */
  acceptUpdate(clientId: string, update: WeightUpdate): Participation {
    const scheduler = this.schedulers.get(update.runId);
    const open = scheduler?.currentRound;
    if (open?.clientOf(update.taskId) !== undefined) {
      const p = open.accept(clientId, update);
      this.refusals.clear(update.runId, clientId);
      this.opts.events.emit('update-accepted', { runId: update.runId, round: update.round, clientId });
      return p;
    }
    if (this.closedTasks.has(update.taskId))
      throw serverErrors.create('FEDERA_ERR_ROUND_CLOSED', update.taskId);
    throw serverErrors.create('FEDERA_ERR_ROUND_UNKNOWN_TASK', update.taskId);
  }

  /**
   * A client refused the task `error.ref` (its data does not fit the run's model): recorded for `run
   * status`, and an attempt every sampled client refused ends at once. Unknown refs are ignored.
   */
  clientRefused(clientId: string, error: { code: string; message: string; ref: string }): void {
    for (const scheduler of this.schedulers.values()) {
      if (scheduler.currentRound?.clientOf(error.ref) !== clientId) continue;
      this.refusals.record(scheduler.runId, clientId, error);
      scheduler.clientRefused(clientId);
      return;
    }
  }

  /** Count a federated evaluation result from `clientId`; throws a typed error if no evaluation awaits it. */
  acceptEvaluation(clientId: string, result: EvaluateResult): void {
    const open = this.schedulers.get(result.runId)?.currentEvaluation;
    if (!open) throw evaluationErrors.create('FEDERA_ERR_EVAL_UNKNOWN_TASK', result.taskId);
    open.accept(clientId, result);
  }

  /**
   * Forward a client's SecAgg+ stage message to the round attempt it names
   * (its session id); typed errors of the protocol go back over the wire.
   */
  async handleSecAgg(clientId: string, body: SecAggBody): Promise<void> {
    await routeSecAgg(clientId, body);
  }

  /** A client finished its hello (first connect or reconnect): give back any task it still owes. */
  clientReady(clientId: string): void {
    for (const scheduler of this.schedulers.values()) scheduler.resendTaskTo(clientId);
  }

  /** Encoded frames of a version's ModelWeights, cached per version (sent once per version per client). */
  modelFrames(runId: string, version: number): Promise<Uint8Array[]> {
    return this.encoded.get(`frames:${runId}@${version}`, async () =>
      toFrames(await this.modelEnvelope(runId, version), this.opts.chunkBytes),
    );
  }

  /** A version's ModelWeights as one encoded Envelope (the REST weights download), cached per version. */
  async encodedModel(runId: string, version: number): Promise<Uint8Array> {
    const [bytes] = await this.encoded.get(`envelope:${runId}@${version}`, async () => [
      encodeEnvelope(await this.modelEnvelope(runId, version)),
    ]);
    return bytes!;
  }

  private async modelEnvelope(runId: string, version: number): Promise<Envelope> {
    const run = await this.getRun(runId);
    const meta = await this.store.getVersion(runId, version);
    if (!meta) throw serverErrors.create('FEDERA_ERR_VERSION_NOT_FOUND', `${runId} v${version}`);
    const weights = await this.store.getWeights(runId, version, run.specs);
    const model = {
      runId,
      version,
      hash: meta.hash,
      topologyJson: JSON.stringify(run.topology),
      tensors: tensorsFromWeights(run.specs, weights),
    };
    return envelope({ kind: 'model', model });
  }

  /** Stop every scheduler (runs stay 'running' in the store, so a restart resumes them). */
  async close(): Promise<void> {
    const all = [...this.schedulers.values()];
    this.schedulers.clear();
    await Promise.all(all.map((s) => s.stop()));
  }
}

/** TF.js failures on a topology the count accepted (e.g. an unknown activation) are the caller's 400. */
async function buildInitialWeights(
  topology: unknown,
  seed: string | undefined,
): ReturnType<typeof initialWeightsFor> {
  try {
    return await initialWeightsFor(topology, seed);
  } catch (err) {
    if (isFederaError(err)) throw err;
    throw serverErrors.create(
      'FEDERA_ERR_RUN_TOPOLOGY_INVALID',
      String((err as Error).message).slice(0, 200),
    );
  }
}
