import type { Strategy, StrategySupports } from '../strategy.js';

/** Range and default of one numeric strategy parameter, in JSON-Schema vocabulary. */
export interface ParamSpec {
  readonly type: 'number' | 'integer';
  /** Paper default; absent when the default depends on the round (e.g. Multi-Krum m = n − f). */
  readonly default?: number;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
  readonly description: string;
}

/** What the coordinator knows about a run when it validates the strategy. */
export interface RunContext {
  readonly secureAggregation: boolean;
  readonly clientsPerRound: number;
  /** Fewest updates a round may close with; robust rules must be valid for every n in [minClients, clientsPerRound]. */
  readonly minClients: number;
}

/** Numeric parameters of a strategy, keyed by name. */
export type ParamValues = Record<string, number | undefined>;

/** Parameter type of a strategy without parameters. */
export type NoParams = Record<never, number>;

/**
 * Everything the registry needs to know about one strategy. Adding a strategy
 * means writing one module exporting a definition and listing it in registry.ts.
 *
 * @example
 * export const fedMedianDefinition = defineStrategy({
 *   name: 'fedmedian', title: 'FedMedian', citation: 'Yin et al. 2018',
 *   supports: { streaming: false, secureAggregation: false }, meanAggregation: false,
 *   params: {}, create: () => createFedMedian(),
 * });
 */
export interface StrategyDefinition<N extends string, P extends ParamValues> {
  readonly name: N;
  readonly title: string;
  readonly citation: string;
  readonly supports: StrategySupports;
  /** Aggregation is a mean of deltas, so central DP may replace it with its clipped unweighted mean. */
  readonly meanAggregation: boolean;
  readonly params: { readonly [K in keyof P]-?: ParamSpec };
  /** Run-dependent checks beyond each parameter's own range (e.g. Krum's n > 2f + 2). */
  checkRun?(params: P, ctx: RunContext): void;
  /** Build the strategy; `params` has every default filled in and every range checked. */
  create(params: P): Strategy;
}

/** Identity function that lets TypeScript infer a definition's name and parameter types. */
export function defineStrategy<N extends string, P extends ParamValues>(
  definition: StrategyDefinition<N, P>,
): StrategyDefinition<N, P> {
  return definition;
}
