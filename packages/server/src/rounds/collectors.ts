import { DP_UNCLIPPED_METRIC, type Strategy, type TensorSpec, type Weights } from '@federa/core';
import { DEFAULT_STAGE_TIMEOUT_MS, roundParams, strategyMaskedMetrics } from '../secagg/settings.js';
import { SecAggRound } from '../secagg/secagg-round.js';
import { OpenRound } from './open-round.js';
import type { CollectorFactory } from './round-collector.js';

/**
 * The collector for a run's round attempt. Plain rounds stream updates into
 * the strategy's aggregator; secure aggregation rounds unmask only the mean.
 */
export const collectorFor: CollectorFactory = (run, init, strategy, devices) => {
  const secure = run.settings.secureAggregation;
  if (secure) {
    const dp = (run.settings.strategy as { dp?: unknown }).dp !== undefined;
    return new SecAggRound(init, run.specs, {
      params: roundParams(secure, init.tasks.size, strategyMaskedMetrics(run.settings.strategy)),
      stageTimeoutMs: secure.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS,
      minClients: run.settings.minClients,
      ...(devices ? { devices } : {}),
      ...(dp ? { finish: noisedByStrategy(strategy, run.specs) } : {}),
    });
  }
  return new OpenRound(init, strategy.createAggregator(run.specs));
};

/**
 * DP with secure aggregation (client-clipping mode): clients clip to C and mask
 * with weight 1, so the unmasked mean is Σ clipped Δ / n. The DP strategy's
 * aggregator adds its Gaussian noise to that sum (McMahan et al. 2018, Alg. 1);
 * it receives the sum as one equal part per survivor and divides by the run's
 * `expectedClients`, as it does for plain rounds. With adaptive clipping each
 * part carries the unmasked unclipped fraction, so the parts sum to the count
 * (Andrew et al. 2021, Alg. 1), which the strategy then noises.
 */
function noisedByStrategy(strategy: Strategy, specs: readonly TensorSpec[]) {
  return (mean: Weights, survivors: number, metrics: Readonly<Record<string, number>>): Weights => {
    const aggregator = strategy.createAggregator(specs);
    const unclipped = metrics[DP_UNCLIPPED_METRIC];
    const partMetrics: Record<string, number> =
      unclipped === undefined ? {} : { [DP_UNCLIPPED_METRIC]: unclipped };
    for (let i = 0; i < survivors; i++) {
      aggregator.add({ clientId: `secure-sum-${i}`, numExamples: 1, delta: mean, metrics: partMetrics });
    }
    return aggregator.finish();
  };
}
