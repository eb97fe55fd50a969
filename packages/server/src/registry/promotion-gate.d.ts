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
export declare function beatsCurrent(options: PromotionGateOptions, candidate: VersionRecord, current: VersionRecord | undefined): {
    promote: boolean;
    reason: string;
};
/**
 * Promotion gate (continuous delivery of federated models): on every
 * 'round-committed', compare the new version's metric with the labelled one
 * and promote when it wins. Returns a detach function.
 *
 * @example
 * attachPromotionGate(events, registry, { metric: 'eval_accuracy', margin: 0.005 }, (d) => log.info(d));
 */
export declare function attachPromotionGate(events: FederationEvents, registry: ModelRegistry, options: PromotionGateOptions, onDecision?: (d: GateDecision) => void): () => void;
