import { withCentralDp } from '../dp/central.js';
import { type DpConfig, resolveDpConfig } from '../dp/config.js';
import type { Strategy, StrategyState } from '../strategy.js';
import { bulyanDefinition } from './bulyan.js';
import type { ParamValues, RunContext, StrategyDefinition } from './definition.js';
import { strategyErrors } from './errors.js';
import { fedAdagradDefinition } from './fedadagrad.js';
import { fedAdamDefinition } from './fedadam.js';
import { fedAvgDefinition } from './fedavg.js';
import { fedAvgMDefinition } from './fedavgm.js';
import { fedMedianDefinition } from './fedmedian.js';
import { fedProxDefinition } from './fedprox.js';
import { fedTrimmedAvgDefinition } from './fedtrimmedavg.js';
import { fedYogiDefinition } from './fedyogi.js';
import { krumDefinition } from './krum.js';
import { multiKrumDefinition } from './multikrum.js';
import { resolveParams } from './params.js';

/** Every registered strategy. To add one: write its definition module and list it here. */
export const strategyDefinitions = [
  fedAvgDefinition,
  fedAvgMDefinition,
  fedProxDefinition,
  fedAdamDefinition,
  fedYogiDefinition,
  fedAdagradDefinition,
  fedMedianDefinition,
  fedTrimmedAvgDefinition,
  krumDefinition,
  multiKrumDefinition,
  bulyanDefinition,
] as const;

type ConfigOf<D> =
  D extends StrategyDefinition<infer N, infer P>
    ? { readonly name: N; readonly dp?: DpConfig } & { readonly [K in keyof P]?: number }
    : never;

/** A run's strategy choice: `name` plus that strategy's parameters (all optional) and optional DP. */
export type StrategyConfig = ConfigOf<(typeof strategyDefinitions)[number]>;

/** Names of all registered strategies. */
export type StrategyName = StrategyConfig['name'];

/** Names of all registered strategies, e.g. for an `enum` in a route schema. */
export const strategyNames: readonly StrategyName[] = strategyDefinitions.map((d) => d.name);

function definitionFor(name: unknown): StrategyDefinition<string, ParamValues> {
  const found = strategyDefinitions.find((d) => d.name === name);
  if (found === undefined) {
    throw strategyErrors.create(
      'FEDERA_ERR_STRATEGY_UNKNOWN',
      `"${String(name)}"; known: ${strategyNames.join(', ')}`,
    );
  }
  return found as unknown as StrategyDefinition<string, ParamValues>;
}

/**
 * Build the strategy named by `config`, wrapped in DP when `config.dp` is set.
 * Pass the run's persisted state as `resumeFrom` after a restart so state the
 * strategy keeps outside `applyDelta` (the adaptive DP clip) resumes exactly.
 *
 * @example
 * const s = createStrategy({ name: 'fedadam', serverLearningRate: 0.01 });
 */
export function createStrategy(config: StrategyConfig, resumeFrom?: StrategyState): Strategy {
  const definition = definitionFor(config.name);
  const strategy = definition.create(resolveParams(definition, config));
  if (config.dp === undefined) return strategy;
  if (!definition.meanAggregation) {
    throw strategyErrors.create(
      'FEDERA_ERR_STRATEGY_DP_INCOMPATIBLE',
      `${definition.name} is not a mean, so DP's clipped mean would silently replace it`,
    );
  }
  return withCentralDp(strategy, config.dp, resumeFrom);
}

/**
 * Refuse, at run creation, any strategy configuration the run cannot honour.
 * Throws a FederaError with a FEDERA_ERR_STRATEGY_* code; returns nothing when valid.
 *
 * @example
 * validateRunStrategy({ name: 'krum', f: 2 }, { secureAggregation: false, clientsPerRound: 10, minClients: 8 });
 */
export function validateRunStrategy(config: StrategyConfig, ctx: RunContext): void {
  if (!Number.isInteger(ctx.minClients) || ctx.minClients < 1 || ctx.minClients > ctx.clientsPerRound) {
    throw new TypeError(
      `need 1 ≤ minClients ≤ clientsPerRound, got ${ctx.minClients} / ${ctx.clientsPerRound}`,
    );
  }
  const definition = definitionFor(config.name);
  const params = resolveParams(definition, config);
  definition.checkRun?.(params, ctx);
  const dp = config.dp === undefined ? undefined : resolveDpConfig(config.dp);
  if (dp !== undefined && !definition.meanAggregation) {
    throw strategyErrors.create('FEDERA_ERR_STRATEGY_DP_INCOMPATIBLE', `${definition.name} is not a mean`);
  }
  if (ctx.secureAggregation) {
    if (dp?.mode === 'central') {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE',
        'central DP clips each update on the server; use dp.mode "client-clipping" with secure aggregation',
      );
    }
    if (!definition.supports.secureAggregation) {
      throw strategyErrors.create('FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE', definition.name);
    }
  }
}
