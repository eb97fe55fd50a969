import { OpenRound } from './open-round.js';
import type { CollectorFactory } from './round-collector.js';

/**
 * The collector for a run's round attempt. Plain rounds stream updates into
 * the strategy's aggregator; further kinds (secure aggregation) branch here.
 */
export const collectorFor: CollectorFactory = (run, init, strategy) =>
  new OpenRound(init, strategy.createAggregator(run.specs));
