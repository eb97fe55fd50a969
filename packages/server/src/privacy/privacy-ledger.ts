import { type DpConfig, PrivacyAccountant, resolveDpConfig } from '@federa/core';
import type { PrivacyStatus, RunRecord, RunSettings } from '../runs/run-types.js';

/** Metric keys a DP run writes into every committed round (cumulative ε at the run's δ). */
export const EPSILON_METRIC = 'epsilon';
export const DELTA_METRIC = 'delta';

/** `completedReason` of a run stopped because its next round would exceed the ε budget. */
export const EPSILON_BUDGET_REASON = 'epsilon-budget';

/** The run's DP settings, or undefined when its strategy has no `dp`. */
export function dpOf(settings: RunSettings): DpConfig | undefined {
  return (settings.strategy as { dp?: DpConfig }).dp;
}

/**
 * Clients a round expects to sample out of `populationSize`: clientsPerRound,
 * or with `clientFraction` ⌈f·population⌉ clamped to [minClients, clientsPerRound]
 * (the rule the scheduler applies to the idle pool).
 */
export function expectedSampleSize(settings: RunSettings, population: number): number {
  const { clientFraction: f, clientsPerRound, minClients } = settings;
  if (f === undefined) return clientsPerRound;
  return Math.min(clientsPerRound, Math.max(minClients, Math.ceil(f * population)));
}

/** q of the sampled Gaussian mechanism: expected sample / population (McMahan et al. 2018, §2). */
export function samplingRateFor(settings: RunSettings): number {
  const population = settings.populationSize!;
  return Math.min(1, expectedSampleSize(settings, population) / population);
}

/**
 * A DP run's privacy spending: the core {@link PrivacyAccountant} (RDP of the
 * sampled Gaussian mechanism, Mironov et al. 2019) stepped once per committed
 * round. Immutable: {@link PrivacyLedger.afterNextRound} returns the ledger the
 * next commit would leave, so the scheduler checks the budget BEFORE a round
 * and persists the new state in the same batch as the round.
 *
 * @example
 * const ledger = PrivacyLedger.forRun(run);
 * if (ledger?.nextRoundExceedsBudget()) stopRun('epsilon-budget');
 * const next = ledger?.afterNextRound(); // metrics: next.metrics(), run.privacy: next.status()
 */
export class PrivacyLedger {
  private constructor(
    private readonly accountant: PrivacyAccountant,
    private readonly epsilonBudget: number | undefined,
  ) {}

  /** The ledger of a run: resumed from `run.privacy` after a restart, fresh otherwise; undefined without DP. */
  static forRun(run: RunRecord): PrivacyLedger | undefined {
    const dp = dpOf(run.settings);
    if (dp === undefined) return undefined;
    const cfg = resolveDpConfig(dp);
    const accountant = run.privacy
      ? PrivacyAccountant.fromJSON(run.privacy.accountant)
      : new PrivacyAccountant({
          samplingRate: samplingRateFor(run.settings),
          // With adaptive clipping the update and count noise together are worth z (Andrew et al. 2021, Thm. 1).
          noiseMultiplier: cfg.noiseMultiplier,
          delta: cfg.delta,
        });
    return new PrivacyLedger(accountant, cfg.epsilonBudget);
  }

  /** Cumulative ε after the rounds accounted so far. */
  get epsilon(): number {
    return this.accountant.epsilon();
  }

  /** Rounds accounted so far. */
  get steps(): number {
    return this.accountant.steps;
  }

  /** True when committing one more round would take ε above the budget. */
  nextRoundExceedsBudget(): boolean {
    return this.epsilonBudget !== undefined && this.afterNextRound().epsilon > this.epsilonBudget;
  }

  /** The ledger after one more committed round. */
  afterNextRound(): PrivacyLedger {
    const next = PrivacyAccountant.fromJSON(this.accountant.toJSON());
    next.step();
    return new PrivacyLedger(next, this.epsilonBudget);
  }

  /** Round metrics: cumulative ε (JSON has no Infinity, so z = 0 reports Number.MAX_VALUE) and δ. */
  metrics(): Record<string, number> {
    const epsilon = this.epsilon;
    const json = this.accountant.toJSON();
    return {
      [EPSILON_METRIC]: Number.isFinite(epsilon) ? epsilon : Number.MAX_VALUE,
      [DELTA_METRIC]: json.delta,
    };
  }

  /** What the run record persists: ε, δ, the budget and the accountant state. */
  status(): PrivacyStatus {
    const m = this.metrics();
    return {
      epsilon: m[EPSILON_METRIC]!,
      delta: m[DELTA_METRIC]!,
      ...(this.epsilonBudget !== undefined ? { epsilonBudget: this.epsilonBudget } : {}),
      accountant: this.accountant.toJSON(),
    };
  }
}
