import { serverErrors } from '../errors.js';
import type { EvaluationSettings, RunSettings } from '../runs/run-types.js';

/** Default deadline of one evaluation round: short, so training resumes soon. */
export const DEFAULT_EVALUATION_TIMEOUT_MS = 30_000;

/**
 * Check a run's `evaluation` setting (absent = off). Throws
 * FEDERA_ERR_RUN_CONFIG_INVALID naming the bad field.
 *
 * @example
 * checkEvaluationSettings({ ...settings, evaluation: { every: 2, fraction: 0.5, minClients: 2 } });
 */
export function checkEvaluationSettings(settings: RunSettings): void {
  const e = settings.evaluation;
  if (e === undefined) return;
  const bad = (field: string, why: string) =>
    serverErrors.create('FEDERA_ERR_RUN_CONFIG_INVALID', `evaluation.${field} ${why}`);
  if (!(Number.isSafeInteger(e.every) && e.every >= 1)) throw bad('every', 'must be a positive integer');
  if (!(e.fraction > 0 && e.fraction <= 1)) throw bad('fraction', 'must be in (0, 1]');
  if (!(Number.isSafeInteger(e.minClients) && e.minClients >= 1))
    throw bad('minClients', 'must be a positive integer');
  const t = e.timeoutMs;
  if (t !== undefined && !(Number.isSafeInteger(t) && t >= 1))
    throw bad('timeoutMs', 'must be a positive integer');
}

/** True when the round just committed is followed by an evaluation. */
export function evaluatesAfter(settings: EvaluationSettings | undefined, round: number): boolean {
  return settings !== undefined && round % settings.every === 0;
}

/** JSON Schema of the `evaluation` run setting (the REST route's). */
export const evaluationSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['every', 'fraction', 'minClients'],
  properties: {
    every: { type: 'integer', minimum: 1 },
    fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    minClients: { type: 'integer', minimum: 1 },
    timeoutMs: { type: 'integer', minimum: 1 },
  },
} as const;
