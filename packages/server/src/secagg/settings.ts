import {
  DP_UNCLIPPED_METRIC,
  type SecAggConfig,
  type SecAggParams,
  deriveSecAggParams,
  secaggErrors,
} from '@federa/core';
import type { DeviceDirectory } from './device-directory.js';

/** The `secureAggregation` run setting: SecAgg+ parameters (derived when left out) and stage timing. */
export interface SecureAggregationSettings extends SecAggConfig {
  /** How long the advertise, share and unmask stages wait for stragglers (ms, default 10,000). */
  stageTimeoutMs?: number;
}

/** Metrics clients sum inside the mask when the run names none: what the built-in trainer reports. */
export const DEFAULT_SECAGG_METRICS: readonly string[] = ['train_loss'];

/** Stage timeout when the run does not set one. */
export const DEFAULT_STAGE_TIMEOUT_MS = 10_000;

/**
 * Check that a run's secure-aggregation setting yields valid parameters for
 * every sample size a round may have (minClients .. clientsPerRound); throws
 * the core's typed FEDERA_ERR_SECAGG_CONFIG_INVALID / _OVERFLOW otherwise.
 *
 * @example
 * validateSecureAggregation({ clipRange: 1 }, { minClients: 5, clientsPerRound: 10 });
 */
export function validateSecureAggregation(
  settings: SecureAggregationSettings,
  run: { minClients: number; clientsPerRound: number; strategy?: unknown },
): void {
  const timeout = settings.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeout) || timeout < 1) {
    throw new TypeError(`secureAggregation.stageTimeoutMs ${timeout} must be a positive integer`);
  }
  const extra = strategyMaskedMetrics(run.strategy);
  roundParams(settings, run.minClients, extra);
  roundParams(settings, run.clientsPerRound, extra);
}

/** Metrics the run's strategy needs summed inside the mask: adaptive DP clipping's unclipped count. */
export function strategyMaskedMetrics(strategy: unknown): string[] {
  const dp = (strategy as { dp?: { adaptive?: unknown } } | undefined)?.dp;
  return dp?.adaptive !== undefined ? [DP_UNCLIPPED_METRIC] : [];
}

/**
 * Parameters of one round of `sampledCount` clients (Bell et al. 2020: graph and threshold follow n).
 * `extraMetrics` are summed inside the mask besides the run's own (e.g. the DP unclipped count).
 */
export function roundParams(
  settings: SecureAggregationSettings,
  sampledCount: number,
  extraMetrics: readonly string[] = [],
): SecAggParams {
  const { stageTimeoutMs: _timing, metrics = DEFAULT_SECAGG_METRICS, ...config } = settings;
  return deriveSecAggParams(sampledCount, {
    ...config,
    metrics: [...new Set([...metrics, ...extraMetrics])],
  });
}

/**
 * The run's threat model, fixed at run creation: secure by default, a coordinator that requires
 * device identity runs SecAgg+ against a malicious server unless the run asks for less; the
 * malicious-server mode without required identity is refused (FEDERA_ERR_SECAGG_IDENTITY_REQUIRED, 400).
 *
 * @example
 * settings.secureAggregation = withThreatModel(settings.secureAggregation, devices);
 */
export function withThreatModel(
  settings: SecureAggregationSettings,
  devices: DeviceDirectory | undefined,
): SecureAggregationSettings {
  const threat = settings.threat ?? (devices?.required ? 'malicious-server' : 'honest-but-curious');
  if (threat === 'malicious-server' && !devices?.required) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_IDENTITY_REQUIRED',
      'secureAggregation.threat "malicious-server" needs buildServer({ identity: { required: true } })',
    );
  }
  return { ...settings, threat };
}
