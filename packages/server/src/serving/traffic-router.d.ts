import type { ModelRegistry } from '../registry/model-registry.js';
import type { TrafficPolicy } from '../registry/registry-types.js';
/** Which version serves a request, and under which variant name it is reported. */
export interface Target {
    model: string;
    version: number;
    /** `stable`, a canary / A/B label, `pinned` (explicit version) or the requested label. */
    variant: string;
}
/** Uniform in [0, 1) from WebCrypto; Math.random is not used for routing decisions. */
export declare function uniform(): number;
/** Stable position in [0, 1) of an A/B key: the first 32 bits of its sha256. */
export declare function stickyPoint(key: string): number;
/** The variant whose cumulative weight interval contains `point`. */
export declare function pickWeighted<T extends {
    weight: number;
}>(variants: readonly T[], point: number): T;
/** The label a default-route request goes to under `policy`: A/B (sticky), then canary, then stable. */
export declare function chooseLabel(policy: TrafficPolicy, header: (name: string) => string | undefined): string;
/**
 * Resolve what serves a request: an explicit version, an explicit label, or
 * the model's traffic policy for the default route.
 *
 * @example
 * await resolveTarget(registry, 'mnist', {}, (h) => req.headers[h] as string);
 */
export declare function resolveTarget(registry: ModelRegistry, model: string, selector: {
    version?: number;
    label?: string;
}, header: (name: string) => string | undefined): Promise<Target>;
/** The shadow version for this request, if the policy mirrors it (sampled with `percent`). */
export declare function shadowTarget(registry: ModelRegistry, model: string): Promise<Target | undefined>;
