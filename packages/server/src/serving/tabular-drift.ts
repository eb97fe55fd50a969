import { ownValue } from '@federa/core';
import { NORMAL_DECILES, type TrainingStats } from '../metrics/drift.js';
import type { RunFeatures } from '../store/store.js';

/**
 * Drift baseline of a tabular model from its run's federated feature statistics, per encoded input:
 * a standardised numeric column is N(0, 1) by construction (so its ten equal-probability bins are
 * the raw column's deciles mapped through the transform: PSI on the raw values), and a one-hot input
 * is 1 with the category's federated frequency (a two-bin histogram split at 0.5). Nothing to post.
 *
 * @example
 * drift.recordTrainingStats('diabetes', 0, tabularDriftBaseline(features));
 */
export function tabularDriftBaseline(features: RunFeatures): TrainingStats {
  const mean: number[] = [];
  const variance: number[] = [];
  const histograms: NonNullable<TrainingStats['histograms']> = [];
  const rows = features.summary.rows;
  for (const f of features.transform.features) {
    if (f.kind === 'numeric') {
      mean.push(0);
      variance.push(1);
      // Ten equal-probability bins of N(0, 1), as DriftMonitor derives from a mean and variance.
      histograms.push({ edges: [...NORMAL_DECILES], counts: new Array(NORMAL_DECILES.length + 1).fill(1) });
      continue;
    }
    const counts = ownValue(features.summary.categorical, f.name) ?? {};
    for (const category of f.categories) {
      const p = (ownValue(counts, category) ?? 0) / rows;
      mean.push(p);
      variance.push(p * (1 - p));
      histograms.push({ edges: [0.5], counts: [1 - p, p] });
    }
  }
  return { mean, variance, count: rows, histograms };
}
