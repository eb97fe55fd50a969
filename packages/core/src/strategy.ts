import type { TensorSpec, Weights } from './weights.js';

/** One client's contribution to a round, already validated against the model layout. */
export interface ClientUpdate {
  readonly clientId: string;
  /** Local examples trained on; FedAvg's weight (McMahan et al. 2017, eq. 1). */
  readonly numExamples: number;
  /** delta = local weights - global weights, in model order. */
  readonly delta: Weights;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * What a strategy needs and tolerates. The coordinator reads it at run
 * creation and refuses an incompatible configuration there, never mid-run.
 */
export interface StrategySupports {
  /** Aggregates each update as it arrives in O(params) memory. */
  readonly streaming: boolean;
  /** Works on the masked sum alone, so secure aggregation can be on. */
  readonly secureAggregation: boolean;
}

/** Collects one round's updates and produces the aggregated delta. */
export interface RoundAggregator {
  /** Fold in one update. Throws a typed error and changes nothing on bad input. */
  add(update: ClientUpdate): void;
  /** Number of updates folded in so far. */
  readonly count: number;
  /** The aggregated delta. Throws FEDERA_ERR_CORE_NO_UPDATES if none. */
  finish(): Weights;
}

/** Server-side state a strategy carries across rounds (momentum, moments), as named tensors. */
export type StrategyState = Record<string, Weights>;

/** Result of applying a round's aggregated delta to the global model. */
export interface ServerStep {
  readonly weights: Weights;
  readonly state: StrategyState;
}

/**
 * An aggregation strategy. Implementations are pure: no I/O, no clocks, and
 * randomness only where a strategy is randomized by definition (DP noise).
 */
export interface Strategy {
  readonly name: string;
  readonly supports: StrategySupports;
  /** Settings sent to clients with each task (e.g. FedProx's proximal_mu). */
  clientConfig(): Record<string, number>;
  /** A fresh aggregator for one round over the given layout. */
  createAggregator(specs: readonly TensorSpec[]): RoundAggregator;
  /**
   * The server optimizer step: new global weights from the old ones and the
   * aggregated delta (Reddi et al. 2021 treat -delta as a pseudo-gradient).
   * Must not mutate its inputs.
   */
  applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep;
}
