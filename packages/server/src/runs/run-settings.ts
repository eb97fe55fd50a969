import { serverErrors } from '../errors.js';
import { validateSecureAggregation } from '../secagg/settings.js';
import type { RunSettings } from './run-types.js';

/** Defaults for everything but the id. */
export const RUN_DEFAULTS: Omit<RunSettings, 'id'> & { maxUpdateNorm: number } = {
  strategy: { name: 'fedavg' },
  rounds: 10,
  clientsPerRound: 10,
  minClients: 2,
  roundTimeoutMs: 120_000,
  localEpochs: 1,
  batchSize: 32,
  learningRate: 0.05,
  maxExamplesPerClient: 100_000,
  maxUpdateNorm: 100,
  maxRoundAttempts: 5,
};

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Apply defaults and check every setting; throws FEDERA_ERR_RUN_CONFIG_INVALID
 * naming the first bad field. The REST schema checks types; this checks meaning.
 */
export function normalizeRunSettings(input: Partial<RunSettings> & { id: string }): RunSettings {
  const s: RunSettings = { ...RUN_DEFAULTS, ...input };
  // One seed fixes everything reproducible; an explicit samplingSeed still wins for sampling.
  if (s.seed !== undefined && s.samplingSeed === undefined) s.samplingSeed = s.seed;
  const bad = (field: string, why: string) =>
    serverErrors.create('FEDERA_ERR_RUN_CONFIG_INVALID', `${field} ${why}`);
  if (!ID.test(s.id)) throw bad('id', 'must match [a-z0-9][a-z0-9_-]{0,63}');
  const positiveInts = ['rounds', 'clientsPerRound', 'minClients', 'localEpochs', 'batchSize'] as const;
  for (const k of [...positiveInts, 'maxExamplesPerClient', 'maxRoundAttempts', 'roundTimeoutMs'] as const) {
    if (!Number.isSafeInteger(s[k]) || s[k] < 1) throw bad(k, 'must be a positive integer');
  }
  if (s.minClients > s.clientsPerRound) throw bad('minClients', 'must not exceed clientsPerRound');
  if (!(s.learningRate > 0 && Number.isFinite(s.learningRate))) throw bad('learningRate', 'must be positive');
  const norm = s.maxUpdateNorm;
  if (!(norm !== undefined && norm > 0 && Number.isFinite(norm)))
    throw bad('maxUpdateNorm', 'must be positive');
  if (typeof s.strategy?.name !== 'string') throw bad('strategy.name', 'is required');
  if (s.secureAggregation) {
    // SecAgg+ needs at least 3 clients per round and overflow-free parameters for every sample size.
    try {
      validateSecureAggregation(s.secureAggregation, s);
    } catch (err) {
      throw bad('secureAggregation', (err as Error).message);
    }
  }
  const f = s.clientFraction;
  if (f !== undefined && !(f > 0 && f <= 1)) throw bad('clientFraction', 'must be in (0, 1]');
  return s;
}
