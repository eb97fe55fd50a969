import type { PrivacyAccountantJson, TensorSpec } from '@federa/core';
import type { SecureAggregationSettings } from '../secagg/settings.js';

/** Settings of a training run, as a researcher submits them. */
export interface RunSettings {
  /** Run id: `[a-z0-9][a-z0-9_-]*`, also the served model's name. */
  id: string;
  /** Aggregation strategy and its parameters, e.g. `{ name: 'fedavg' }`. */
  strategy: { name: string } & Record<string, unknown>;
  rounds: number;
  clientsPerRound: number;
  /** A round commits only if at least this many sampled clients answered. */
  minClients: number;
  roundTimeoutMs: number;
  localEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Upper bound on a client's num_examples; larger claims are rejected (default 100 000). */
  maxExamplesPerClient: number;
  /**
   * Server-side norm bound of plain rounds: a client delta whose L2 norm exceeds it is scaled down to
   * it before aggregation (default 100; Sun et al. 2019, "Can You Really Backdoor Federated Learning?").
   * Absent only in runs stored before the bound existed; they get the default.
   */
  maxUpdateNorm?: number;
  /** A round that misses its minimum is retried this many times before the run fails. */
  maxRoundAttempts: number;
  /**
   * Reproducible runs: fixes the initial weights (seeded initializers), the clients' minibatch
   * shuffles (`extra.shuffle_seed`) and, unless `samplingSeed` is set, client sampling. DP noise and
   * SecAgg+ masks stay crypto-random.
   */
  seed?: string;
  /**
   * FedBN (Li et al. 2021): every BatchNormalization layer's weights and moving statistics stay on
   * the clients (each keeps its own between rounds) and are not aggregated; the task says so with
   * `extra.local_batch_norm = 1`. Off (the default): they are federated like the other weights.
   */
  localBatchNorm?: boolean;
  /** Seed for reproducible client sampling (simulations); `seed`, else crypto sampling, when absent. */
  samplingSeed?: string;
  /** Secure aggregation (SecAgg+): the coordinator learns only the sum of updates. Off when absent. */
  secureAggregation?: SecureAggregationSettings;
  /**
   * Sample this fraction of the idle clients each round (rounded up, at least
   * minClients, at most clientsPerRound) instead of exactly clientsPerRound.
   */
  clientFraction?: number;
  /**
   * Size of the client population rounds are sampled from; the privacy
   * accountant's q = expected sample / populationSize. Required when strategy.dp is set.
   */
  populationSize?: number;
  /** Client-side federated evaluation rounds; off when absent. */
  evaluation?: EvaluationSettings;
}

/** When and on whom client-side federated evaluation runs (see docs/strategies.md). */
export interface EvaluationSettings {
  /** Evaluate after every N-th committed round. */
  every: number;
  /** Fraction of idle clients asked, in (0, 1]; rounded up, at least minClients. */
  fraction: number;
  /** Fewest results for the evaluation to be recorded. */
  minClients: number;
  /** Own deadline; stragglers after it are ignored. Default 30 s. */
  timeoutMs?: number;
}

/** A model's input shape without the batch axis (-1 where free) and its class count (last output axis). */
export interface ModelShape {
  inputShape: number[];
  classes: number;
}

/** Lifecycle of a run. */
export type RunStatus = 'created' | 'running' | 'stopped' | 'completed' | 'failed';

/** A run as persisted. */
/** A tabular model whose input width and class count follow from the run's feature statistics. */
export interface TabularModelSpec {
  kind: 'logistic' | 'mlp';
  /** Hidden units of `mlp` (default 16). */
  hidden?: number;
}

export interface RunRecord {
  settings: RunSettings;
  /** tf.LayersModel topology (the `modelTopology` of model.toJSON()). */
  topology: unknown;
  specs: TensorSpec[];
  /** What the model takes and predicts, so a client can check its data before joining (absent on old runs). */
  modelShape?: ModelShape;
  status: RunStatus;
  completedRounds: number;
  currentVersion: number;
  createdAt: number;
  updatedAt: number;
  error?: { code: string; message: string };
  /** Why a completed run ended early, e.g. 'epsilon-budget' when its DP budget was spent. */
  completedReason?: string;
  /** Privacy spent so far by a DP run (the accountant's persisted state). */
  privacy?: PrivacyStatus;
  /**
   * Set while a run created with `tabular` (`federa run create --inputs auto`) waits for its feature
   * statistics: it has no topology and no version 0 until they freeze.
   */
  awaitingFeatures?: TabularModelSpec;
}

/** Cumulative (ε, δ) of a DP run and the accountant that produced it. */
export interface PrivacyStatus {
  epsilon: number;
  delta: number;
  epsilonBudget?: number;
  /** Accountant state (PrivacyAccountant.toJSON of @federa/core), so a restart continues it. */
  accountant: PrivacyAccountantJson;
}

/** Metadata of one immutable model version. */
export interface VersionRecord {
  runId: string;
  version: number;
  /** The round that produced it; 0 for the initial model. */
  round: number;
  /** sha256 hex of the weights (hashWeights of @federa/protocol). */
  hash: string;
  createdAt: number;
  numParams: number;
  metrics: Record<string, number>;
}

/** One client's part in a committed round. */
export interface Participation {
  clientId: string;
  numExamples: number;
  metrics: Record<string, number>;
}

/** A committed round. */
export interface RoundRecord {
  runId: string;
  round: number;
  /** How many attempts it took (1 = first try). */
  attempts: number;
  baseVersion: number;
  version: number;
  sampled: string[];
  participants: Participation[];
  /** Dropped: sampled clients that did not answer in time. */
  dropped: string[];
  /** Examples-weighted means of client metrics, plus server evaluation results. */
  metrics: Record<string, number>;
  startedAt: number;
  endedAt: number;
}
