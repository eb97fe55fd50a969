import type { TrainingJob, TrainingResult } from './trainer.js';

/**
 * FedBN (Li et al. 2021, "FedBN: Federated Learning on Non-IID Features via Local Batch
 * Normalization"): in a run with `extra.local_batch_norm = 1`, a client trains from the global model
 * with its own BatchNormalization weights and statistics in place of the global ones, keeps what it
 * learned for them for its next round of the run, and uploads a zero delta for them, so they are
 * never aggregated. Kept in memory: a restarted client starts again from the global values.
 */
export class LocalBatchNorm {
  private readonly kept = new Map<string, Map<number, Float32Array>>();

  /** The job with this client's own BatchNormalization tensors of `runId`, when it has them. */
  prepare(runId: string, job: TrainingJob): TrainingJob {
    const own = this.kept.get(runId);
    if (!own) return job;
    return { ...job, globalWeights: job.globalWeights.map((w, i) => own.get(i) ?? w) };
  }

  /** Keep the trained BatchNormalization tensors and zero their delta. */
  keep(runId: string, job: TrainingJob, result: TrainingResult): void {
    const own = new Map<number, Float32Array>();
    for (const i of batchNormTensors(job)) {
      const start = job.globalWeights[i]!;
      const delta = result.delta[i]!;
      own.set(
        i,
        start.map((v, j) => v + delta[j]!),
      );
      delta.fill(0);
    }
    this.kept.set(runId, own);
  }
}

/** Indices of the tensors of every BatchNormalization layer (gamma, beta, moving mean/variance). */
function batchNormTensors(job: TrainingJob): number[] {
  const layers = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as { class_name?: unknown; config?: { name?: unknown } };
      if (o.class_name === 'BatchNormalization' && typeof o.config?.name === 'string')
        layers.add(o.config.name);
      Object.values(node).forEach(visit);
    }
  };
  visit(JSON.parse(job.topologyJson));
  return job.specs.flatMap((s, i) => (s.name.split('/').some((part) => layers.has(part)) ? [i] : []));
}
