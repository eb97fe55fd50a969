import {
  DP_UNCLIPPED_METRIC,
  type FederaError,
  type TensorSpec,
  type Weights,
  clipToNorm,
  coreErrors,
  isFederaError,
  weightsAreFinite,
} from '@federa/core';
import {
  type ClientToServerEvents,
  type Envelope,
  type EnvelopeBody,
  type EvaluateTask,
  FEDERA_EVENT,
  FrameReader,
  type ModelWeights,
  PROTOCOL_VERSION,
  type RoundTask,
  type RunEnded,
  type ServerToClientEvents,
  envelope,
  errorBody,
  errorFromWire,
  hashWeights,
  tensorsFromWeights,
  toFrames,
  weightsFromTensors,
} from '@federa/protocol';
import { type ManagerOptions, type Socket, type SocketOptions, io } from 'socket.io-client';
import { type BackendInfo, type BackendOptions, fallbackMessage, initBackend } from './backend.js';
import { fitDataToModel, modelShapeOf } from './data/model-fit.js';
import { type LocalDataset, checkDataset } from './dataset.js';
import { type DeviceKey, helloCredentials, signWithDeviceKey } from './identity/device-key.js';
import {
  type SecAggClientPolicy,
  type SecAggStage,
  SecAggTaskSession,
  isSecAggBody,
} from './secagg/index.js';
import { type Evaluator, evaluateLocally } from './evaluation/index.js';
import { LocalBatchNorm } from './local-batch-norm.js';
import { gaveUpError, membershipErrors, unexpectedError } from './membership-errors.js';
import { DEFAULT_RECONNECT_POLICY } from './reconnect-policy.js';
import { type Trainer, type TrainingJob, type TrainingResult, trainLocally } from './trainer.js';

/** What the client reports as it works; for logs and progress displays. */
export type ClientEvent =
  | { type: 'connected'; sessionId: string }
  | { type: 'disconnected'; reason: string }
  /** First retry after a disconnect (once per outage, not per attempt). */
  | { type: 'retrying' }
  /** The coordinator stayed unreachable past `giveUpAfterMs`; the client stopped. */
  | { type: 'give-up'; url: string; triedMs: number; error: FederaError }
  /** One of the joined runs ended; the client is no longer its member. */
  | ({ type: 'run-ended' } & RunEnded)
  | { type: 'task'; task: RoundTask }
  | { type: 'trained'; task: RoundTask; numExamples: number; metrics: Record<string, number> }
  | { type: 'evaluated'; task: EvaluateTask; numExamples: number; metrics: Record<string, number> }
  | { type: 'secagg'; stage: SecAggStage; task: RoundTask }
  | { type: 'accepted'; taskId: string }
  | { type: 'rejected'; error: FederaError }
  /**
   * This client refused a task (its data does not fit the run's model, or a SecAgg+ round broke its
   * policy or the protocol), or anything of a run it did not join (`taskId` is then the task id, or
   * the run id for a model); the coordinator is told why.
   */
  | { type: 'refused'; taskId: string; error: FederaError }
  | { type: 'backend'; backend: BackendInfo }
  | { type: 'warning'; code: 'FEDERA_WARN_BACKEND_FALLBACK'; message: string };

/** Options of {@link FederaClient}. */
export interface FederaClientOptions {
  /** Coordinator base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  clientId: string;
  /**
   * The runs this client joins (protocol 2): declared in every hello; tasks, models and
   * evaluations of any other run are refused. At least one.
   */
  runs: readonly string[];
  /** Bearer credential presented in the hello. */
  token?: string;
  /** Enrolled device key that signs each session's challenge (see `enrolDevice`) and, under SecAgg+, the round keys. */
  identity?: DeviceKey;
  /** This client's own secure-aggregation demands (e.g. `requireMaliciousServerMode`, `minInputs`); docs/security.md. */
  secureAggregation?: SecAggClientPolicy;
  /** PEM CA bundle the coordinator's certificate must chain to (hospital PKI); Node only. */
  ca?: string | string[];
  data: LocalDataset;
  /** Local test split for federated evaluation; without it the client answers evaluations with 0 examples. */
  testData?: LocalDataset;
  /** Local training; defaults to minibatch SGD with TF.js. */
  trainer?: Trainer;
  /** Local evaluation; defaults to {@link evaluateLocally} (loss and accuracy). */
  evaluator?: Evaluator;
  /** TF.js backend to use (it must start); default picks the fastest available, warning on a `cpu` fallback. */
  backend?: string;
  /** Where a page serves the TF.js wasm binaries (docs/browser.md); see `initBackend`. */
  wasmPaths?: BackendOptions['wasmPaths'];
  /** Reconnect backoff, ms: capped exponential with ±50 % jitter. Defaults 250 .. 10,000 (`DEFAULT_RECONNECT_POLICY`). */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Stop (event `give-up`, `start()` rejects) once the coordinator was unreachable this long; default 10 min, 0 never. */
  giveUpAfterMs?: number;
  onEvent?: (event: ClientEvent) => void;
  /** Extra socket.io-client options (e.g. a custom CA in Node). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

const SDK_VERSION = '0.1.0';
/** Refusals of this client's hello (identity, membership, protocol version): retrying cannot succeed. */
const REFUSED = new Set([
  'FEDERA_ERR_SESSION_UNAUTHENTICATED',
  'FEDERA_ERR_IDENTITY_REVOKED',
  'FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED',
  'FEDERA_ERR_MEMBERSHIP_BAD_RUN_IDS',
  'FEDERA_ERR_PROTO_VERSION_UNSUPPORTED',
  'FEDERA_ERR_CLIENT_GAVE_UP',
]);
const END_STATUSES = new Set(['completed', 'stopped', 'failed']);

interface CachedModel {
  version: number;
  hash: string;
  topologyJson: string;
  specs: TensorSpec[];
  weights: Weights;
}

/**
 * A federation participant: connects (reconnecting with backoff, giving up after
 * `giveUpAfterMs`), answers the challenge with a hello that declares the runs it
 * joins, fetches each global version once, trains locally and uploads the delta.
 * Anything of a run it did not join is refused. Runs in Node and in browsers.
 *
 * @example
 * const client = new FederaClient({ url, clientId: 'hospital-1', runs: ['sepsis'], data });
 * await client.start();
 */
export class FederaClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private readonly reader = new FrameReader();
  /** FedBN runs: this client's own BatchNormalization tensors, per run. */
  private readonly localBatchNorm = new LocalBatchNorm();
  private queue: Promise<void> = Promise.resolve();
  /** Joined runs still going; a run leaves on its RunEnded. */
  private readonly joined: Set<string>;
  /** The latest global model fetched, per run. */
  private readonly models = new Map<string, CachedModel>();
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingTask: RoundTask | undefined;
  /** The secure-aggregation session of the current task, if its round runs SecAgg+. */
  private secagg: SecAggTaskSession | undefined;
  private pendingEvaluation: EvaluateTask | undefined;
  private chunkBytes = 256 * 1024;
  private stopped = false;
  /** Between a welcome and the next disconnect; nothing but a hello is sent outside it. */
  private welcomed = false;
  /** The last plain update sent, re-sent if its task comes back (after a reconnect or a coordinator restart). */
  private lastUpdate: { taskId: string; body: EnvelopeBody } | undefined;
  private backend: BackendInfo | undefined;
  /** Neighbours' device-key fingerprints, pinned at first sight for this client's lifetime (unless given). */
  private readonly pins: NonNullable<SecAggClientPolicy['pins']>;
  /** The local data fitted to the last model topology seen, or why it cannot train that model. */
  private fit:
    | { topologyJson: string; data?: LocalDataset; testData?: LocalDataset; error?: FederaError }
    | undefined;

  constructor(private readonly opts: FederaClientOptions) {
    this.pins = opts.secureAggregation?.pins ?? new Map<string, string>();
    checkDataset(opts.data);
    if (opts.testData) checkDataset(opts.testData);
    if (opts.runs.length === 0) throw membershipErrors.create('FEDERA_ERR_CLIENT_NO_RUNS');
    this.joined = new Set(opts.runs);
  }

  /** The joined runs that have not ended yet (empty once every run sent RunEnded). */
  get runs(): string[] {
    return [...this.joined];
  }

  /** Connect; resolves once the coordinator welcomed this client. */
  async start(): Promise<void> {
    await this.startBackend();
    this.stopped = false;
    const policy = DEFAULT_RECONNECT_POLICY;
    const socket = io(this.opts.url, {
      transports: ['websocket'],
      reconnectionDelay: this.opts.reconnectDelayMs ?? policy.delayMs,
      reconnectionDelayMax: this.opts.reconnectDelayMaxMs ?? policy.delayMaxMs,
      randomizationFactor: policy.jitter,
      ...(this.opts.ca !== undefined ? { ca: this.opts.ca } : {}),
      ...this.opts.socket,
    });
    this.socket = socket;
    const welcomed = new Promise<void>((resolve, reject) => {
      const onEvent = this.opts.onEvent;
      this.opts.onEvent = (e) => {
        if (e.type === 'connected') resolve();
        if (e.type === 'rejected' && REFUSED.has(e.error.code)) reject(e.error);
        if (e.type === 'give-up') reject(e.error);
        onEvent?.(e);
      };
    });
    this.armGiveUp();
    // Once per outage: the first attempt after a disconnect (socket.io emits one per attempt).
    let retrying = false;
    socket.io.on('reconnect_attempt', () => {
      if (!retrying && !this.stopped) this.emit({ type: 'retrying' });
      retrying = true;
    });
    socket.on('connect', () => {
      retrying = false;
    });
    socket.on(FEDERA_EVENT, (frame: unknown) => {
      this.queue = this.queue.then(() => this.onFrame(frame as Uint8Array));
    });
    socket.on('disconnect', (reason) => {
      this.welcomed = false;
      // Frames of the closed connection are void: a half-read model comes again whole on the next one,
      // and frames emitted meanwhile must not precede the next hello.
      this.queue = this.queue.then(() => this.reader.reset());
      socket.sendBuffer = [];
      if (!this.stopped) this.armGiveUp();
      this.emit({ type: 'disconnected', reason });
      // socket.io does not retry after a server-side disconnect; a restarting coordinator should not strand us.
      if (reason === 'io server disconnect' && !this.stopped) {
        setTimeout(() => this.stopped || socket.connect(), this.opts.reconnectDelayMs ?? 250);
      }
    });
    await welcomed;
  }

  /**
   * Disconnect and stop reconnecting. A task in progress is abandoned: its training
   * may finish locally but nothing more is sent, so the coordinator counts this
   * client as a dropout of that round (its deadline, or SecAgg+'s dropout path).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.giveUpTimer);
    this.socket?.disconnect();
    this.socket = undefined;
    await this.queue;
  }

  /** (Re)start the give-up clock: unless a welcome comes within `giveUpAfterMs`, stop. */
  private armGiveUp(): void {
    clearTimeout(this.giveUpTimer);
    const ms = this.opts.giveUpAfterMs ?? DEFAULT_RECONNECT_POLICY.giveUpAfterMs;
    if (ms <= 0) return;
    const since = Date.now();
    this.giveUpTimer = setTimeout(() => {
      if (this.welcomed || this.stopped) return;
      const triedMs = Date.now() - since;
      const error = gaveUpError(this.opts.url, triedMs);
      void this.stop();
      this.emit({ type: 'give-up', url: this.opts.url, triedMs, error });
    }, ms);
  }

  /** Start TF.js once; the first start reports the backend, and a cpu fallback as a warning. */
  private async startBackend(): Promise<BackendInfo> {
    if (this.backend) return this.backend;
    const { backend, wasmPaths } = this.opts;
    const info = await initBackend({
      log: () => undefined,
      ...(backend !== undefined ? { backend } : {}),
      ...(wasmPaths !== undefined ? { wasmPaths } : {}),
    });
    this.backend = info;
    this.emit({ type: 'backend', backend: info });
    if (info.fallback)
      this.emit({ type: 'warning', code: 'FEDERA_WARN_BACKEND_FALLBACK', message: fallbackMessage(info) });
    return info;
  }

  private emit(e: ClientEvent): void {
    this.opts.onEvent?.(e);
  }

  private async onFrame(frame: Uint8Array | ArrayBuffer): Promise<void> {
    try {
      const env = await this.reader.push(frame);
      if (env) await this.dispatch(env);
    } catch (err) {
      // Anything else is a bug here, but must not stop the frame queue: every later frame would be dropped.
      this.emit({
        type: 'rejected',
        error: isFederaError(err) ? err : unexpectedError('FEDERA_ERR_CLIENT_INTERNAL', err),
      });
    }
  }

  private async dispatch(env: Envelope): Promise<void> {
    const body = env.body;
    switch (body.kind) {
      case 'challenge':
        return this.send({
          kind: 'hello',
          hello: {
            clientId: this.opts.clientId,
            credentials: this.opts.identity
              ? await helloCredentials(
                  this.opts.identity,
                  body.challenge.nonce,
                  this.opts.clientId,
                  this.opts.token,
                )
              : {
                  token: this.opts.token ?? '',
                  publicKey: new Uint8Array(),
                  signature: new Uint8Array(),
                  keyAlgorithm: '',
                },
            protocolVersion: PROTOCOL_VERSION,
            capabilities: {
              backend: (await this.startBackend()).name,
              maxMessageBytes: 0,
              secureAggregation: true,
              features: [],
            },
            sdkVersion: SDK_VERSION,
            runIds: [...this.joined],
          },
        });
      case 'welcome':
        this.welcomed = true;
        clearTimeout(this.giveUpTimer);
        this.chunkBytes = body.welcome.chunkBytes || this.chunkBytes;
        this.reader.limits.maxChunkBytes = Math.max(this.reader.limits.maxChunkBytes, this.chunkBytes);
        return this.emit({ type: 'connected', sessionId: body.welcome.sessionId });
      case 'task':
        return this.onTask(body.task);
      case 'model':
        return this.onModel(body.model);
      case 'evaluateTask':
        return this.onEvaluateTask(body.evaluateTask);
      case 'ack':
        return this.emit({ type: 'accepted', taskId: body.ack.ref });
      case 'runEnded':
        return this.onRunEnded(body.runEnded);
      case 'error': {
        const error = errorFromWire(body.error);
        // Refused, or superseded by a newer session of this id: reconnecting would only fight it.
        if (REFUSED.has(error.code) || error.code === 'FEDERA_ERR_SESSION_DUPLICATE') {
          this.stopped = true;
          this.socket?.disconnect();
        }
        return this.emit({ type: 'rejected', error });
      }
      default:
        return isSecAggBody(body) ? this.onSecAgg(body) : undefined;
    }
  }

  /** A joined run ended: forget its model and any task of it, and leave it. */
  private onRunEnded(ended: RunEnded): void {
    if (!this.joined.delete(ended.runId) || !END_STATUSES.has(ended.status)) return;
    this.models.delete(ended.runId);
    if (this.pendingTask?.runId === ended.runId) this.pendingTask = undefined;
    if (this.pendingEvaluation?.runId === ended.runId) this.pendingEvaluation = undefined;
    this.emit({ type: 'run-ended', ...ended });
  }

  private async onTask(task: RoundTask): Promise<void> {
    if (!this.joined.has(task.runId)) return this.refuse(task.taskId, notMember(task.runId));
    this.emit({ type: 'task', task });
    // The coordinator re-sends a task it has no update for: answer with the one already trained.
    if (this.lastUpdate?.taskId === task.taskId) return this.send(this.lastUpdate.body);
    if (task.secagg) await this.startSecAgg({ ...task, secagg: task.secagg });
    if (this.hasModel(task.runId, task.modelVersion, task.modelHash)) return this.trainInTurn(task);
    this.pendingTask = task;
    await this.send({
      kind: 'modelRequest',
      modelRequest: { runId: task.runId, modelVersion: task.modelVersion },
    });
  }

  private hasModel(runId: string, version: number, hash: string): boolean {
    const model = this.models.get(runId);
    return model?.version === version && model.hash === hash;
  }

  private async onModel(m: ModelWeights): Promise<void> {
    if (!this.joined.has(m.runId)) return this.refuse(m.runId, notMember(m.runId));
    const { specs, weights } = weightsFromTensors(m.tensors);
    // Never train on weights that do not match the announced hash.
    if ((await hashWeights(specs, weights)) !== m.hash) return;
    this.models.set(m.runId, {
      version: m.version,
      hash: m.hash,
      topologyJson: m.topologyJson,
      specs,
      weights,
    });
    const task = this.pendingTask;
    if (task && task.runId === m.runId && task.modelVersion === m.version && task.modelHash === m.hash) {
      this.pendingTask = undefined;
      await this.trainInTurn(task);
    }
    const evaluation = this.pendingEvaluation;
    if (
      evaluation?.runId === m.runId &&
      evaluation.modelVersion === m.version &&
      evaluation.modelHash === m.hash
    ) {
      this.pendingEvaluation = undefined;
      await this.evaluate(evaluation);
    }
  }

  private async onEvaluateTask(task: EvaluateTask): Promise<void> {
    if (!this.joined.has(task.runId)) return this.refuse(task.taskId, notMember(task.runId));
    if (this.hasModel(task.runId, task.modelVersion, task.modelHash)) return this.evaluate(task);
    this.pendingEvaluation = task;
    await this.send({
      kind: 'modelRequest',
      modelRequest: { runId: task.runId, modelVersion: task.modelVersion },
    });
  }

  /** Check (once per topology) that the local data fits the model, before any training or evaluation. */
  private async fitTo(model: CachedModel) {
    if (this.fit?.topologyJson === model.topologyJson) return this.fit;
    const { topologyJson } = model;
    try {
      const shape = await modelShapeOf(topologyJson);
      const test = this.opts.testData;
      const data = fitDataToModel(this.opts.data, shape);
      this.fit = { topologyJson, data, ...(test ? { testData: fitDataToModel(test, shape) } : {}) };
    } catch (err) {
      if (!isFederaError(err)) throw err;
      this.fit = { topologyJson, error: err };
    }
    return this.fit;
  }

  /** Tell the coordinator this task cannot run here, and why, instead of failing mid-round. */
  private async refuse(taskId: string, error: FederaError): Promise<void> {
    this.emit({ type: 'refused', taskId, error });
    if (!this.stopped) await this.send(errorBody(error, taskId));
  }

  /** Federated evaluation: score the global model on the local test split, send only the numbers. */
  private async evaluate(task: EvaluateTask): Promise<void> {
    const model = this.models.get(task.runId)!;
    const fit = await this.fitTo(model);
    if (fit.error) this.emit({ type: 'refused', taskId: task.taskId, error: fit.error });
    // A test split that does not fit the model answers like none: 0 examples, no weight.
    const test = fit.testData;
    const outcome = test
      ? await (this.opts.evaluator ?? evaluateLocally)({
          topologyJson: model.topologyJson,
          specs: model.specs,
          weights: model.weights,
          data: test,
          batchSize: task.batchSize,
        })
      : { numExamples: 0, metrics: {} };
    this.emit({ type: 'evaluated', task, ...outcome });
    if (this.stopped) return;
    await this.send({
      kind: 'evaluateResult',
      evaluateResult: {
        taskId: task.taskId,
        runId: task.runId,
        modelVersion: task.modelVersion,
        numExamples: outcome.numExamples,
        metrics: outcome.metrics,
      },
    });
  }

  private async train(task: RoundTask): Promise<void> {
    const model = this.models.get(task.runId)!;
    const fit = await this.fitTo(model);
    if (!fit.data) return this.refuse(task.taskId, fit.error!);
    const h = task.hyperparameters;
    let job: TrainingJob = {
      topologyJson: model.topologyJson,
      specs: model.specs,
      globalWeights: model.weights,
      epochs: h.localEpochs,
      batchSize: h.batchSize,
      // Adaptive server optimizers fix the client rate η_l (Reddi et al. 2021, Alg. 2).
      learningRate: h.extra['learning_rate'] ?? h.learningRate,
      proximalMu: h.extra['proximal_mu'] ?? 0,
      data: fit.data,
      // A seeded run's shuffle_seed makes the shuffles independent of the run id (reproducible runs).
      shuffleSeed: `${h.extra['shuffle_seed'] ?? task.runId}:${task.round}:${task.attempt}:${this.opts.clientId}`,
    };
    const fedBn = h.extra['local_batch_norm'] === 1;
    if (fedBn) job = this.localBatchNorm.prepare(task.runId, job);
    let result: TrainingResult;
    try {
      result = await (this.opts.trainer ?? trainLocally)(job);
    } catch (err) {
      // Refused, not left to the round deadline: the coordinator samples around it.
      return this.refuse(
        task.taskId,
        isFederaError(err) ? err : unexpectedError('FEDERA_ERR_CLIENT_TRAINING_FAILED', err),
      );
    }
    if (fedBn) this.localBatchNorm.keep(task.runId, job, result);
    clipForPrivacy(result, h.extra['clip_norm']);
    keepFinite(result);
    this.emit({ type: 'trained', task, numExamples: result.numExamples, metrics: result.metrics });
    if (this.stopped) return;
    // Under SecAgg+ only the masked, quantized delta (and metrics) ever leave the client.
    if (this.secagg?.task.taskId === task.taskId) {
      // DP-FedAvg weighs clipped deltas equally (McMahan et al. 2018): mask with weight 1 under DP.
      const weight = (h.extra['clip_norm'] ?? 0) > 0 ? 1 : result.numExamples;
      return this.secagg.trained(result.delta, weight, result.metrics);
    }
    const update: EnvelopeBody = {
      kind: 'update',
      update: {
        taskId: task.taskId,
        runId: task.runId,
        round: task.round,
        baseVersion: task.modelVersion,
        numExamples: result.numExamples,
        metrics: result.metrics,
        tensors: tensorsFromWeights(model.specs, result.delta),
      },
    };
    this.lastUpdate = { taskId: task.taskId, body: update };
    await this.send(update);
  }

  /**
   * Plain tasks train inside the message queue; SecAgg+ tasks train beside it,
   * so roster and inbox are answered while training runs (the stages have timeouts).
   */
  private trainInTurn(task: RoundTask): Promise<void> {
    if (this.secagg?.task.taskId !== task.taskId) return this.train(task);
    void this.train(task).catch((err: unknown) => {
      if (isFederaError(err)) this.emit({ type: 'rejected', error: err });
    });
    return Promise.resolve();
  }

  /** Open the task's SecAgg+ session and advertise keys before fetching the model (Bonawitz et al. 2017, §4). */
  private async startSecAgg(task: RoundTask & { secagg: NonNullable<RoundTask['secagg']> }): Promise<void> {
    const identity = this.opts.identity;
    this.secagg = undefined;
    try {
      this.secagg = new SecAggTaskSession(
        task,
        this.opts.clientId,
        {
          send: (body) => (this.stopped ? Promise.resolve() : this.send(body)),
          onStage: (stage, t) => this.emit({ type: 'secagg', stage, task: t }),
        },
        {
          ...this.opts.secureAggregation,
          pins: this.pins,
          ...(identity ? { signer: { sign: (data: Uint8Array) => signWithDeviceKey(identity, data) } } : {}),
        },
      );
    } catch (err) {
      // A round weaker than this client's policy (or needing a key it lacks): refused before anything is sent.
      return this.refuseAndThrow(task.taskId, err);
    }
    await this.secagg.start();
  }

  /**
   * A stage message of the current session; those of an older session are ignored. A typed refusal
   * (a bad signature, an inconsistent survivor set, a sum below the floor…) is also told to the
   * coordinator, which shows it in `run status`: an operator learns that someone tampered with the relay.
   */
  private async onSecAgg(body: Parameters<SecAggTaskSession['receive']>[0]): Promise<void> {
    const session = this.secagg;
    if (!session?.owns(body)) return;
    await session.receive(body).catch((err: unknown) => this.refuseAndThrow(session.task.taskId, err));
  }

  private async refuseAndThrow(taskId: string, err: unknown): Promise<never> {
    if (isFederaError(err)) await this.refuse(taskId, err);
    throw err;
  }

  private async send(body: EnvelopeBody): Promise<void> {
    const socket = this.socket;
    // Frames emitted before the hello would be refused (and socket.io buffers them across reconnects).
    const open = () => socket === this.socket && (body.kind === 'hello' || this.welcomed);
    if (!socket || !open()) return;
    const frames = await toFrames(envelope(body), this.chunkBytes);
    // Checked again after the await: the connection may have closed while the frames were hashed.
    if (!open()) return;
    for (const frame of frames) socket.emit(FEDERA_EVENT, frame);
  }
}

/**
 * Local training that diverged (e.g. on a poisoned global model) is reported as a typed rejection instead
 * of being sent; non-finite metrics are dropped (the wire refuses them).
 */
function keepFinite(result: TrainingResult): void {
  if (!weightsAreFinite(result.delta))
    throw coreErrors.create('FEDERA_ERR_CORE_NOT_FINITE', 'local training diverged');
  result.metrics = Object.fromEntries(Object.entries(result.metrics).filter(([, v]) => Number.isFinite(v)));
}

/** True when the task's round runs secure aggregation (RoundTask.secagg set). */
/**
 * DP client-clipping mode (McMahan et al. 2018, Alg. 1 with the clip moved to
 * the client): scale the delta to L2 norm ≤ clip_norm before upload, and report
 * the unclipped bit for adaptive clipping (Andrew et al. 2021). Under secure
 * aggregation metrics only travel inside the masked sum, so the coordinator
 * learns the count of unclipped clients, never one client's bit (docs/privacy.md).
 */
function clipForPrivacy(result: TrainingResult, clipNorm: number | undefined): void {
  if (clipNorm === undefined || !(clipNorm > 0)) return;
  const { clipped, wasClipped } = clipToNorm(result.delta, clipNorm);
  result.delta = clipped;
  result.metrics = { ...result.metrics, [DP_UNCLIPPED_METRIC]: wasClipped ? 0 : 1 };
}

/** Defence in depth: a task, evaluation or model of a run this client did not join (the coordinator should never send one). */
function notMember(runId: string): FederaError {
  return membershipErrors.create('FEDERA_ERR_CLIENT_NOT_MEMBER', runId);
}
