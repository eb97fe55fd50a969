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
/** Population stability index Σ (a−e)·ln(a/e) over bins, with proportions floored at 1e-4. */
export declare function psi(expected: ArrayLike<number>, actual: ArrayLike<number>): number;
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
export declare class DriftMonitor {
    private readonly window;
    private readonly baselines;
    constructor(window?: number);
    recordTrainingStats(runId: string, version: number, stats: TrainingStats): void;
    /** Feature count of the model's baseline, if stats were recorded. */
    features(runId: string): number | undefined;
    /** Bin `rows` (row-major, `featureCount` values each) into the live histograms. */
    observe(runId: string, data: Float32Array, featureCount: number): void;
    /** Per-feature PSI of a model (empty without stats or traffic). */
    featureScores(runId: string): number[];
    /** The model's drift score: the largest per-feature PSI (0 without data). */
    score(runId: string): number;
    models(): string[];
}
