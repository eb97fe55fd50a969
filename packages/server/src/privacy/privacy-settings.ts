import { resolveDpConfig } from '@federa/core';
import { serverErrors } from '../errors.js';
import type { RunSettings } from '../runs/run-types.js';
import { dpOf, expectedSampleSize } from './privacy-ledger.js';

/**
 * Refuse, at run creation, DP settings the accountant cannot honour: a DP run
 * must declare the population its rounds are sampled from (q = sample / population),
 * at least as large as one round's sample. Throws FEDERA_ERR_RUN_CONFIG_INVALID.
 *
 * @example
 * checkPrivacySettings({ ...settings, strategy: { name: 'fedavg', dp }, populationSize: 100 });
 */
export function checkPrivacySettings(settings: RunSettings): void {
  const bad = (field: string, why: string) =>
    serverErrors.create('FEDERA_ERR_RUN_CONFIG_INVALID', `${field} ${why}`);
  const { populationSize } = settings;
  if (populationSize !== undefined && !(Number.isSafeInteger(populationSize) && populationSize >= 1)) {
    throw bad('populationSize', 'must be a positive integer');
  }
  const dp = dpOf(settings);
  if (dp === undefined) return;
  if (populationSize === undefined) {
    throw bad(
      'populationSize',
      'is required with strategy.dp (the accountant needs q = sample / population)',
    );
  }
  const sample = expectedSampleSize(settings, populationSize);
  if (populationSize < sample) {
    throw bad('populationSize', `must be at least one round's sample (${sample})`);
  }
  const cfg = resolveDpConfig(dp);
  if (cfg.epsilonBudget !== undefined && cfg.noiseMultiplier === 0) {
    throw bad('strategy.dp.epsilonBudget', 'cannot be met with noiseMultiplier 0 (ε is infinite)');
  }
}
