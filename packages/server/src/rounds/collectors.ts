import { DEFAULT_STAGE_TIMEOUT_MS, roundParams } from '../secagg/settings.js';
import { SecAggRound } from '../secagg/secagg-round.js';
import { OpenRound } from './open-round.js';
import type { CollectorFactory } from './round-collector.js';

/**
 * The collector for a run's round attempt. Plain rounds stream updates into
 * the strategy's aggregator; further kinds (secure aggregation) branch here.
 */
export const collectorFor: CollectorFactory = (run, init, strategy) => {
  const secure = run.settings.secureAggregation;
  if (secure) {
    return new SecAggRound(init, run.specs, {
      params: roundParams(secure, init.tasks.size),
      stageTimeoutMs: secure.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS,
      minClients: run.settings.minClients,
    });
  }
  return new OpenRound(init, strategy.createAggregator(run.specs));
};
