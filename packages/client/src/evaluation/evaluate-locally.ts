import type { TensorSpec, Weights } from '@federa/core';
import type { LocalDataset } from '../dataset.js';
import { yieldClock } from '../yield.js';
import { RowScorer } from './row-scorer.js';

/** Everything a local evaluation of a global model needs. */
export interface EvaluationJob {
  topologyJson: string;
  specs: readonly TensorSpec[];
  weights: Weights;
  data: LocalDataset;
  /** Inference batch size; 0 or absent = 256. */
  batchSize?: number;
}

/** What a local evaluation reports: examples scored, mean `loss` (cross-entropy) and `accuracy`. */
export interface EvaluationOutcome {
  numExamples: number;
  metrics: Record<string, number>;
}

/** Local evaluation; replaceable, the default is {@link evaluateLocally}. */
export type Evaluator = (job: EvaluationJob) => Promise<EvaluationOutcome>;

/**
 * Score a global model on the client's local test split (federated
 * evaluation, McMahan et al. 2017 §3): mean categorical cross-entropy and
 * top-1 accuracy. The data never leaves the device; only these numbers do.
 * Disposes every tensor it creates.
 *
 * @example
 * const { numExamples, metrics } = await evaluateLocally({ topologyJson, specs, weights, data: test });
 * metrics.accuracy; // 0.93
 */
export const evaluateLocally: Evaluator = async (job) => {
  const { data } = job;
  const rowsPerStep = job.batchSize || 256;
  const scorer = new RowScorer();
  const maybeYield = yieldClock();
  let lossSum = 0;
  let hits = 0;
  try {
    await scorer.load(job.topologyJson, job.specs, job.weights);
    // One predict batch per step, yielding between steps: a large test set does not block the socket.
    for (let start = 0; start < data.n; start += rowsPerStep) {
      await maybeYield();
      const { losses, hits: rowHits } = scorer.score(data, start, Math.min(data.n, start + rowsPerStep));
      for (let r = 0; r < losses.length; r++) {
        lossSum += losses[r]!;
        hits += rowHits[r]!;
      }
    }
    return { numExamples: data.n, metrics: { loss: lossSum / data.n, accuracy: hits / data.n } };
  } finally {
    scorer.dispose();
  }
};
