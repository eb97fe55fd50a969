import type { FederationEvents } from '../events.js';
import type { VersionRecord } from '../runs/run-types.js';
import type { ModelRegistry } from './model-registry.js';

/** Auto-promotion rule: a new version replaces `label` when `metric` beats it by `margin`. */
export interface PromotionGateOptions {
  /** Key in VersionRecord.metrics, e.g. `eval_accuracy`. */
  metric: string;
  /** `max`: higher is better (accuracy); `min`: lower is better (loss). Default max. */
  direction?: 'max' | 'min';
  /** Required absolute improvement. Default 0 (any strict improvement). */
  margin?: number;
  /** Label to move. Default `stable`. */
  label?: string;
  /** Only these models (default all). */
  models?: string[];
}

/** Outcome of one gate evaluation, for logs and tests. */
export interface GateDecision {
  model: string;
  version: number;
  promoted: boolean;
  reason: string;
}

/** Pure decision: does `candidate` beat `current` under the gate's rule? */
export function beatsCurrent(
  options: PromotionGateOptions,
  candidate: VersionRecord,
  current: VersionRecord | undefined,
): { promote: boolean; reason: string } {
  const value = candidate.metrics[options.metric];
  if (value === undefined || !Number.isFinite(value))
    return { promote: false, reason: `no ${options.metric}` };
  const base = current?.metrics[options.metric];
  if (current === undefined || base === undefined)
    return { promote: true, reason: 'no current value to beat' };
  const gain = options.direction === 'min' ? base - value : value - base;
  const margin = options.margin ?? 0;
  return gain > margin
    ? { promote: true, reason: `${options.metric} improved by ${gain}` }
    : { promote: false, reason: `${options.metric} gain ${gain} not above margin ${margin}` };
}

/**
 * Promotion gate (continuous delivery of federated models): on every
 * 'round-committed', compare the new version's metric with the labelled one
 * and promote when it wins. Returns a detach function.
 *
 * @example
 * attachPromotionGate(events, registry, { metric: 'eval_accuracy', margin: 0.005 }, (d) => log.info(d));
 */
export function attachPromotionGate(
  events: FederationEvents,
  registry: ModelRegistry,
  options: PromotionGateOptions,
  onDecision: (d: GateDecision) => void = () => {},
): () => void {
  const label = options.label ?? 'stable';
  const listener = ({ version }: { version: VersionRecord }) => {
    if (options.models && !options.models.includes(version.runId)) return;
    void evaluate(version).then(onDecision, (err: unknown) =>
      onDecision({ model: version.runId, version: version.version, promoted: false, reason: String(err) }),
    );
  };
  const evaluate = async (candidate: VersionRecord): Promise<GateDecision> => {
    const model = candidate.runId;
    registry.invalidate(model);
    const record = await registry.label(model, label);
    const current = record ? await registry.version(model, record.version) : undefined;
    const { promote, reason } = beatsCurrent(options, candidate, current);
    if (promote) await registry.setLabel(model, label, candidate.version, 'gate', 'promotion-gate');
    return { model, version: candidate.version, promoted: promote, reason };
  };
  events.on('round-committed', listener);
  return () => events.off('round-committed', listener);
}
