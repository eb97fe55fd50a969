import { servingErrors } from '../serving/errors.js';

/** A training-side histogram of one feature: `counts[i]` falls in bin i of the inner `edges` (counts.length = edges.length + 1). */
export interface FeatureHistogram {
  edges: number[];
  counts: number[];
}

/** Aggregated feature summaries reported by clients (never raw data). */
export interface TrainingStats {
  mean: number[];
  variance: number[];
  count: number;
  histograms?: FeatureHistogram[];
}

interface Baseline {
  version: number;
  edges: Float64Array[];
  expected: Float64Array[];
  live: Float64Array[];
  rows: number;
}

// Inner edges of 10 equal-probability bins of the standard normal: Φ⁻¹(k/10), k = 1..9.
export const NORMAL_DECILES = [-1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416, 1.2816];
const EPSILON = 1e-4;

function binIndex(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Population stability index Σ (a−e)·ln(a/e) over bins, with proportions floored at 1e-4. */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sumE = 0;
  let sumA = 0;
  for (let i = 0; i < expected.length; i++) {
    sumE += expected[i]!;
    sumA += actual[i]!;
  }
  if (sumE === 0 || sumA === 0) return 0;
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]! / sumE, EPSILON);
    const a = Math.max(actual[i]! / sumA, EPSILON);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

function binsFor(stats: TrainingStats, f: number): { edges: Float64Array; expected: Float64Array } {
  const h = stats.histograms?.[f];
  if (h) return { edges: Float64Array.from(h.edges), expected: Float64Array.from(h.counts) };
  const mean = stats.mean[f]!;
  const sd = Math.sqrt(Math.max(0, stats.variance[f]!));
  // A constant feature (e.g. an always-black MNIST border pixel): all mass in a narrow middle bin.
  if (sd < 1e-9)
    return { edges: Float64Array.of(mean - 1e-6, mean + 1e-6), expected: Float64Array.of(0, 1, 0) };
  return {
    edges: Float64Array.from(NORMAL_DECILES, (z) => mean + z * sd),
    expected: new Float64Array(NORMAL_DECILES.length + 1).fill(0.1),
  };
}

/**
 * Input drift per model: live inference inputs binned on fixed bins derived
 * from training statistics, compared with PSI (Siddiqi 2006, credit scoring:
 * < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant shift). Live counts are
 * halved every `window` rows, so the score follows recent traffic.
 *
 * @example
 * drift.recordTrainingStats('mnist', 3, { mean, variance, count: 60000 });
 * drift.observe('mnist', rows, 784);
 * drift.score('mnist'); // max PSI over features
 */
export class DriftMonitor {
  private readonly baselines = new Map<string, Baseline>();

  constructor(private readonly window = 10_000) {}

  recordTrainingStats(runId: string, version: number, stats: TrainingStats): void {
    const n = stats.mean.length;
    const badHistogram = stats.histograms?.some((h) => h.counts.length !== h.edges.length + 1);
    if (
      n === 0 ||
      stats.variance.length !== n ||
      (stats.histograms && stats.histograms.length !== n) ||
      badHistogram
    ) {
      throw servingErrors.create('FEDERA_ERR_SERVING_BAD_REQUEST', 'training stats: inconsistent lengths');
    }
    const current = this.baselines.get(runId);
    if (current && current.version > version) return;
    const bins = Array.from({ length: n }, (_, f) => binsFor(stats, f));
    this.baselines.set(runId, {
      version,
      edges: bins.map((b) => b.edges),
      expected: bins.map((b) => b.expected),
      live: bins.map((b) => new Float64Array(b.expected.length)),
      rows: 0,
    });
  }

  /** Feature count of the model's baseline, if stats were recorded. */
  features(runId: string): number | undefined {
    return this.baselines.get(runId)?.edges.length;
  }

  /** Bin `rows` (row-major, `featureCount` values each) into the live histograms. */
  observe(runId: string, data: Float32Array, featureCount: number): void {
    const b = this.baselines.get(runId);
    if (!b || b.edges.length !== featureCount) return;
    const rows = data.length / featureCount;
    for (let r = 0; r < rows; r++) {
      const base = r * featureCount;
      for (let f = 0; f < featureCount; f++) {
        const live = b.live[f]!;
        live[binIndex(b.edges[f]!, data[base + f]!)]! += 1;
      }
    }
    b.rows += rows;
    if (b.rows >= this.window) {
      for (const live of b.live) for (let i = 0; i < live.length; i++) live[i]! /= 2;
      b.rows /= 2;
    }
  }

  /** Per-feature PSI of a model (empty without stats or traffic). */
  featureScores(runId: string): number[] {
    const b = this.baselines.get(runId);
    if (!b || b.rows === 0) return [];
    return b.expected.map((e, f) => psi(e, b.live[f]!));
  }

  /** The model's drift score: the largest per-feature PSI (0 without data). */
  score(runId: string): number {
    return this.featureScores(runId).reduce((m, s) => Math.max(m, s), 0);
  }

  models(): string[] {
    return [...this.baselines.keys()];
  }
}
