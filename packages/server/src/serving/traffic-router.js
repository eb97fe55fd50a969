import { createHash } from 'node:crypto';
/** Uniform in [0, 1) from WebCrypto; Math.random is not used for routing decisions. */
export function uniform() {
    return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}
/** Stable position in [0, 1) of an A/B key: the first 32 bits of its sha256. */
export function stickyPoint(key) {
    return createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
}
/** The variant whose cumulative weight interval contains `point`. */
export function pickWeighted(variants, point) {
    const total = variants.reduce((s, v) => s + v.weight, 0);
    let acc = 0;
    for (const v of variants) {
        acc += v.weight / total;
        if (point < acc)
            return v;
    }
    return variants.at(-1);
}
/** The label a default-route request goes to under `policy`: A/B (sticky), then canary, then stable. */
export function chooseLabel(policy, header) {
    const key = policy.abTest ? header(policy.abTest.header) : undefined;
    if (policy.abTest && key)
        return pickWeighted(policy.abTest.variants, stickyPoint(key)).label;
    if (policy.canary && policy.canary.percent > 0 && uniform() * 100 < policy.canary.percent)
        return policy.canary.label;
    return 'stable';
}
/**
 * Resolve what serves a request: an explicit version, an explicit label, or
 * the model's traffic policy for the default route.
 *
 * @example
 * await resolveTarget(registry, 'mnist', {}, (h) => req.headers[h] as string);
 */
export async function resolveTarget(registry, model, selector, header) {
    if (selector.version !== undefined) {
        await registry.version(model, selector.version);
        return { model, version: selector.version, variant: 'pinned' };
    }
    if (selector.label !== undefined) {
        return { model, version: await registry.resolve(model, selector.label), variant: selector.label };
    }
    const label = chooseLabel(await registry.policy(model), header);
    return { model, version: await registry.resolve(model, label), variant: label };
}
/** The shadow version for this request, if the policy mirrors it (sampled with `percent`). */
export async function shadowTarget(registry, model) {
    const shadow = (await registry.policy(model)).shadow;
    if (!shadow || !(shadow.percent > 0) || uniform() * 100 >= shadow.percent)
        return undefined;
    const version = shadow.version ?? (await registry.resolve(model, shadow.label));
    return { model, version, variant: `shadow:${shadow.label ?? `v${version}`}` };
}
//# sourceMappingURL=traffic-router.js.map