import {
  type FeatureSummary,
  type TabularTransform,
  addSummary,
  emptySummary,
  transformFromSummary,
} from '@federa/core';
import { SerialLock } from '../recovery/commit-guard.js';
import type { FederaStore, RunFeatures } from '../store/store.js';
import { featureErrors } from './errors.js';

/** Bounds of the feature-statistics pre-round (issue 11 row 7); defaults in {@link FEATURE_LIMITS}. */
export interface FeatureLimits {
  /** Bytes of one report's JSON body (413 above). */
  maxReportBytes: number;
  /** Numeric plus categorical columns of one report (400 above). */
  maxColumns: number;
  /** Distinct values of one categorical column, and distinct labels (400 above). */
  maxCategoriesPerColumn: number;
  /** Distinct categories over all columns of a run's sum (413 above). */
  maxCategories: number;
  /** Characters of a column, category or label name (400 above). */
  maxNameLength: number;
  /** Bytes of reports waiting for their run's quorum, over all runs (503 above). */
  maxPendingBytes: number;
}

export const FEATURE_LIMITS: Readonly<FeatureLimits> = {
  maxReportBytes: 256 * 1024,
  maxColumns: 512,
  maxCategoriesPerColumn: 1024,
  maxCategories: 8192,
  maxNameLength: 256,
  maxPendingBytes: 16 * 1024 * 1024,
};

/** What GET and POST /api/runs/:id/feature-stats answer. */
export interface FeatureStatus {
  reporters: number;
  quorum: number;
  ready: boolean;
  summary: FeatureSummary | null;
  transform: TabularTransform | null;
}

interface Pending {
  /** Report text per reporter: compared for idempotent retries, re-parsed only after a revocation. */
  reports: Map<string, string>;
  total: FeatureSummary;
  /** Distinct categories in `total`, over all columns. */
  categories: number;
}

const keys = (r: Readonly<Record<string, unknown>>) => Object.keys(r).sort().join('\u0000');

/** Categories `report` would add to `total`: O(report). */
function newCategories(total: FeatureSummary, report: FeatureSummary): number {
  let added = 0;
  for (const [name, counts] of Object.entries(report.categorical)) {
    const held = total.categorical[name];
    for (const value of Object.keys(counts)) if (held?.[value] === undefined) added++;
  }
  return added;
}

/**
 * The federated feature statistics of every run. Reports are summed as they arrive (O(report) per
 * POST, never a re-sum). When a run's quorum (`minClients`) has reported, its sum and the transform
 * derived from it are frozen and persisted with the run (`features` sublevel), so every client,
 * every version and the serving plane use the same transform, across restarts; later reports are
 * checked against its schema and answered with it, and change nothing. Before that, at most
 * quorum − 1 reports per run are held, as text, under a global byte bound.
 *
 * @example
 * const book = new FeatureStatsBook(store, (id) => !registry.isRevoked(id));
 * const status = await book.report('diabetes', 'hospital-1', summary, 3);
 */
export class FeatureStatsBook {
  private readonly pending = new Map<string, Pending>();
  private readonly frozen = new Map<string, RunFeatures>();
  private readonly lock = new SerialLock();
  private pendingBytes = 0;

  constructor(
    private readonly store: FederaStore,
    /** False for a reporter whose report must stop counting (revoked since it reported). */
    private readonly admitted: (clientId: string) => boolean,
    private readonly limits: Readonly<FeatureLimits> = FEATURE_LIMITS,
    /** Called once per run when its statistics freeze (e.g. to build a model whose width follows). */
    private readonly onFrozen?: (runId: string, features: RunFeatures) => Promise<void>,
  ) {}

  /** The run's frozen statistics, from memory or the store. */
  async features(runId: string): Promise<RunFeatures | undefined> {
    const cached = this.frozen.get(runId);
    if (cached) return cached;
    const stored = await this.store.getFeatures(runId);
    if (stored) this.frozen.set(runId, stored);
    return stored;
  }

  /** Record one reporter's summary (`text` is its JSON, for the byte bound and retries). */
  report(runId: string, clientId: string, summary: FeatureSummary, quorum: number): Promise<FeatureStatus> {
    return this.lock.run(async () => {
      const done = await this.features(runId);
      if (done) {
        checkSchema(done.summary, summary);
        return frozenStatus(done, quorum);
      }
      const text = JSON.stringify(summary);
      const run = this.pendingOf(runId);
      const previous = run.reports.get(clientId);
      if (previous !== undefined) {
        if (previous !== text) throw featureErrors.create('FEDERA_ERR_FEATURES_ALREADY_REPORTED', clientId);
        return this.statusOf(runId, run, quorum);
      }
      if (run.reports.size > 0) checkSchema(run.total, summary);
      if (this.pendingBytes + text.length > this.limits.maxPendingBytes) {
        throw featureErrors.create('FEDERA_ERR_FEATURES_CAPACITY');
      }
      const added = newCategories(run.total, summary);
      if (run.categories + added > this.limits.maxCategories) {
        throw featureErrors.create(
          'FEDERA_ERR_FEATURES_TOO_LARGE',
          `${run.categories} categories held, ${added} more would pass ${this.limits.maxCategories}`,
        );
      }
      addSummary(run.total, summary);
      run.categories += added;
      run.reports.set(clientId, text);
      this.pendingBytes += text.length;
      return this.statusOf(runId, run, quorum);
    });
  }

  /** Status of a run's pre-round: the sum and transform once frozen, null before. */
  status(runId: string, quorum: number): Promise<FeatureStatus> {
    return this.lock.run(async () => {
      const done = await this.features(runId);
      return done ? frozenStatus(done, quorum) : this.statusOf(runId, this.pendingOf(runId), quorum);
    });
  }

  private pendingOf(runId: string): Pending {
    let run = this.pending.get(runId);
    if (!run) {
      run = { reports: new Map(), total: emptySummary(), categories: 0 };
      this.pending.set(runId, run);
    }
    return run;
  }

  /** Drop reports of reporters no longer admitted, then freeze when the quorum holds. */
  private async statusOf(runId: string, run: Pending, quorum: number): Promise<FeatureStatus> {
    const gone = [...run.reports.keys()].filter((id) => !this.admitted(id));
    for (const id of gone) {
      this.pendingBytes -= run.reports.get(id)!.length;
      run.reports.delete(id);
    }
    if (gone.length > 0) this.resum(run);
    if (run.reports.size < quorum || run.reports.size === 0) {
      return { reporters: run.reports.size, quorum, ready: false, summary: null, transform: null };
    }
    const features: RunFeatures = {
      summary: run.total,
      transform: transformFromSummary(run.total),
      reporters: run.reports.size,
      frozenAt: Date.now(),
    };
    await this.store.putFeatures(runId, features);
    this.frozen.set(runId, features);
    for (const text of run.reports.values()) this.pendingBytes -= text.length;
    this.pending.delete(runId);
    await this.onFrozen?.(runId, features);
    return frozenStatus(features, quorum);
  }

  /** Rebuild a run's sum from its held reports, after a revocation (rare; at most quorum − 1). */
  private resum(run: Pending): void {
    run.total = emptySummary();
    run.categories = 0;
    for (const text of run.reports.values()) {
      const report = JSON.parse(text) as FeatureSummary;
      run.categories += newCategories(run.total, report);
      addSummary(run.total, report);
    }
  }
}

function frozenStatus(f: RunFeatures, quorum: number): FeatureStatus {
  return { reporters: f.reporters, quorum, ready: true, summary: f.summary, transform: f.transform };
}

/** Every report of a run names the same label and the same numeric and categorical columns. */
function checkSchema(run: FeatureSummary, report: FeatureSummary): void {
  const mismatch = (what: string) => featureErrors.create('FEDERA_ERR_FEATURES_SCHEMA_MISMATCH', what);
  if (run.label !== undefined && report.label !== undefined && run.label !== report.label) {
    throw mismatch(`label column "${report.label}", the run's is "${run.label}"`);
  }
  if (keys(run.numeric) !== keys(report.numeric)) {
    throw mismatch(
      `numeric columns ${Object.keys(report.numeric)}, the run's are ${Object.keys(run.numeric)}`,
    );
  }
  if (keys(run.categorical) !== keys(report.categorical)) {
    throw mismatch(
      `categorical columns ${Object.keys(report.categorical)}, the run's are ${Object.keys(run.categorical)}`,
    );
  }
}
