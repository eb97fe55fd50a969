import { strategyErrors } from '../strategies/errors.js';

/** Quantile-based adaptive clipping (Andrew et al. 2021); every field has the paper's default. */
export interface AdaptiveClipConfig {
  /** Starting clip C₀ (paper: 0.1). */
  readonly initialClip?: number;
  /** Norm quantile γ to track (paper: 0.5). */
  readonly targetQuantile?: number;
  /** Geometric learning rate η_C (paper: 0.2). */
  readonly learningRate?: number;
  /** z_b = 2σ_b for the unclipped count; default expectedClients / 10 (paper: σ_b = m/20). */
  readonly countNoiseMultiplier?: number;
}

/**
 * Differential privacy settings of a run.
 * - `central`: the server clips each update and adds noise (needs plain updates).
 * - `client-clipping`: clients clip to `clip_norm` before secure-aggregation
 *   masking; the server adds noise to the unmasked mean only. With adaptive
 *   clipping each client also reports `metrics.dp_unclipped` (1 if its norm
 *   was ≤ clip_norm, else 0), summed under secure aggregation like the update.
 */
export interface DpConfig {
  readonly mode?: 'central' | 'client-clipping';
  /** z: noise stddev on the sum is z · C. */
  readonly noiseMultiplier: number;
  /** Fixed clip C; exactly one of clipNorm and adaptive. */
  readonly clipNorm?: number;
  readonly adaptive?: AdaptiveClipConfig;
  /** Fixed denominator n of the mean (DP-FedAvg's qW); default: the round's update count (central only). */
  readonly expectedClients?: number;
  /** Target δ for the accountant (default 1e-5). */
  readonly delta?: number;
  /** Optional ε budget; the coordinator stops the run when the accountant exceeds it. */
  readonly epsilonBudget?: number;
}

/** A {@link DpConfig} with every default filled in. */
export interface ResolvedDpConfig {
  readonly mode: 'central' | 'client-clipping';
  readonly noiseMultiplier: number;
  readonly clipNorm: number;
  readonly adaptive:
    | { targetQuantile: number; learningRate: number; countNoiseMultiplier: number }
    | undefined;
  readonly expectedClients: number | undefined;
  readonly delta: number;
  readonly epsilonBudget: number | undefined;
}

function invalid(field: string, value: unknown, rule: string): never {
  throw strategyErrors.create('FEDERA_ERR_STRATEGY_DP_INVALID', `${field} = ${String(value)}: ${rule}`, {
    details: { param: `dp.${field}`, value },
  });
}

function positive(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) invalid(field, value, 'must be > 0');
}

/**
 * Check a DP configuration's own ranges and fill defaults. Throws
 * FEDERA_ERR_STRATEGY_DP_INVALID naming the offending field.
 *
 * @example
 * resolveDpConfig({ noiseMultiplier: 1.1, clipNorm: 1 }).delta; // 1e-5
 */
export function resolveDpConfig(dp: DpConfig): ResolvedDpConfig {
  const mode = dp.mode ?? 'central';
  if (mode !== 'central' && mode !== 'client-clipping') invalid('mode', mode, 'central | client-clipping');
  if (!(Number.isFinite(dp.noiseMultiplier) && dp.noiseMultiplier >= 0)) {
    invalid('noiseMultiplier', dp.noiseMultiplier, 'must be ≥ 0');
  }
  const delta = dp.delta ?? 1e-5;
  if (!(delta > 0 && delta < 1)) invalid('delta', delta, 'must be in (0, 1)');
  positive('clipNorm', dp.clipNorm);
  positive('epsilonBudget', dp.epsilonBudget);
  if (dp.expectedClients !== undefined && !(Number.isInteger(dp.expectedClients) && dp.expectedClients > 0)) {
    invalid('expectedClients', dp.expectedClients, 'must be a positive integer');
  }
  if ((dp.clipNorm === undefined) === (dp.adaptive === undefined)) {
    invalid('clipNorm', dp.clipNorm, 'give exactly one of clipNorm and adaptive');
  }
  if (mode === 'client-clipping' && dp.expectedClients === undefined) {
    invalid('expectedClients', undefined, 'required with client-clipping (the server sees only the sum)');
  }
  return {
    mode,
    noiseMultiplier: dp.noiseMultiplier,
    clipNorm: dp.clipNorm ?? dp.adaptive?.initialClip ?? 0.1,
    adaptive: dp.adaptive === undefined ? undefined : resolveAdaptive(dp),
    expectedClients: dp.expectedClients,
    delta,
    epsilonBudget: dp.epsilonBudget,
  };
}

function resolveAdaptive(dp: DpConfig): NonNullable<ResolvedDpConfig['adaptive']> {
  const a = dp.adaptive!;
  positive('adaptive.initialClip', a.initialClip);
  positive('adaptive.learningRate', a.learningRate);
  const targetQuantile = a.targetQuantile ?? 0.5;
  if (!(targetQuantile > 0 && targetQuantile < 1)) {
    invalid('adaptive.targetQuantile', targetQuantile, 'must be in (0, 1)');
  }
  const countNoiseMultiplier = a.countNoiseMultiplier ?? (dp.expectedClients ?? 0) / 10;
  if (dp.noiseMultiplier > 0 && !(countNoiseMultiplier > dp.noiseMultiplier)) {
    invalid(
      'adaptive.countNoiseMultiplier',
      countNoiseMultiplier,
      'must exceed noiseMultiplier (set it, or expectedClients so the default m/10 applies)',
    );
  }
  if (!(countNoiseMultiplier >= 0))
    invalid('adaptive.countNoiseMultiplier', countNoiseMultiplier, 'must be ≥ 0');
  return { targetQuantile, learningRate: a.learningRate ?? 0.2, countNoiseMultiplier };
}
