/** Why a label moved. */
export type MoveReason = 'promote' | 'rollback' | 'gate';
/** One move of a label, kept forever as its audit trail. */
export interface LabelMove {
    version: number;
    /** Target before this move; undefined when the label was created. */
    from: number | undefined;
    at: number;
    reason: MoveReason;
    /** Token id (hash prefix) or component that moved it. */
    by?: string;
}
/** A movable label (`stable`, `canary`, …) pointing at an immutable version. */
export interface LabelRecord {
    model: string;
    label: string;
    version: number;
    updatedAt: number;
    /** Targets to return to on rollback, most recent last. */
    previous: number[];
    history: LabelMove[];
}
/**
 * How the default route of a model splits traffic. The request's variant is
 * chosen in this order: A/B (when the key header is present), canary, stable.
 */
export interface TrafficPolicy {
    /** `percent` of default-route requests go to `label` instead of `stable`. */
    canary?: {
        label: string;
        percent: number;
    };
    /** Sticky A/B: sha256 of the `header` value picks a variant by weight. */
    abTest?: {
        header: string;
        variants: Array<{
            label: string;
            weight: number;
        }>;
    };
    /** A mirrored copy of `percent` of requests goes to `label` or `version`; its answers are only compared. */
    shadow?: {
        label?: string;
        version?: number;
        percent: number;
    };
}
/** Labels are lower-case slugs; `latest` is virtual (always the newest version). */
export declare const LABEL_PATTERN: RegExp;
export declare const VIRTUAL_LATEST = "latest";
