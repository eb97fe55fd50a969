import type { RoundAggregator, Strategy, TensorSpec, Weights } from '@federa/core';
import type { EnvelopeBody, SecAggSetup, WeightUpdate } from '@federa/protocol';
import type { Participation, RunRecord } from '../runs/run-types.js';
import type { DeviceDirectory } from '../secagg/device-directory.js';

/** What every kind of round attempt is created with. */
export interface RoundInit {
  runId: string;
  round: number;
  attempt: number;
  baseVersion: number;
  specs: readonly TensorSpec[];
  /** taskId -> clientId of every sampled client. */
  tasks: ReadonlyMap<string, string>;
  maxExamplesPerClient: number;
  /** Plain rounds clip each client delta to this L2 norm. */
  maxUpdateNorm: number;
  deadline: number;
  /** Send a message to a sampled client (rejections count as dropouts). */
  send: (clientId: string, body: EnvelopeBody) => Promise<void>;
}

/**
 * One attempt of one round while it collects client contributions. The
 * plain round folds each update into the strategy's aggregator; a secure
 * aggregation round runs its stages and learns only the sum. The scheduler
 * drives both through this interface.
 */
export interface RoundCollector {
  readonly init: RoundInit;
  /** Participants whose contribution is counted so far. */
  readonly participants: Participation[];
  /** Resolves when every sampled client has contributed. */
  readonly allAnswered: Promise<void>;
  /** Set for secure-aggregation rounds: the session and parameters every RoundTask carries. */
  readonly secagg?: SecAggSetup;
  /** The client a task id was given to, if it belongs to this attempt. */
  clientOf(taskId: string): string | undefined;
  /** Validate and count a plain update; throws a typed error and changes nothing otherwise. */
  accept(clientId: string, update: WeightUpdate): Participation;
  /** Stop accepting contributions; returns the sampled clients that never answered. */
  close(): string[];
  /**
   * The round's aggregated delta (after any unmasking stage). Throws a typed,
   * retryable error when it cannot be formed; the attempt then commits nothing.
   */
  aggregate(): Promise<Weights>;
  /** Examples-weighted means of the client metrics counted (under SecAgg+ only what the unmasked sum holds). */
  metrics(): Record<string, number>;
}

/** Builds the collector a run needs for one attempt. */
export type CollectorFactory = (
  run: RunRecord,
  init: RoundInit,
  strategy: Strategy,
  devices?: DeviceDirectory,
) => RoundCollector;

/** The strategy's aggregator for a plain round. */
export type PlainAggregatorFactory = (specs: readonly TensorSpec[]) => RoundAggregator;
