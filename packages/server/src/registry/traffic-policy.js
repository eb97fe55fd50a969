import { servingErrors } from '../serving/errors.js';
import { LABEL_PATTERN } from './registry-types.js';
const invalid = (detail) => servingErrors.create('FEDERA_ERR_SERVING_POLICY_INVALID', detail);
const isPercent = (p) => typeof p === 'number' && p >= 0 && p <= 100;
/** Throw FEDERA_ERR_SERVING_POLICY_INVALID unless `policy` is well-formed. */
export function validatePolicy(policy) {
    const { canary, abTest, shadow } = policy;
    if (canary && (!LABEL_PATTERN.test(canary.label) || !isPercent(canary.percent))) {
        throw invalid('canary needs a label and a percent in [0, 100]');
    }
    if (abTest) {
        if (!/^[a-z0-9-]{1,64}$/.test(abTest.header))
            throw invalid('abTest.header must be a lower-case header name');
        if (abTest.variants.length < 2)
            throw invalid('abTest needs at least two variants');
        const names = new Set(abTest.variants.map((v) => v.label));
        if (names.size !== abTest.variants.length)
            throw invalid('abTest variants must be distinct labels');
        for (const v of abTest.variants) {
            if (!LABEL_PATTERN.test(v.label) || !(v.weight > 0) || !Number.isFinite(v.weight)) {
                throw invalid('abTest variants need a label and a positive weight');
            }
        }
    }
    if (shadow) {
        if ((shadow.label === undefined) === (shadow.version === undefined)) {
            throw invalid('shadow needs exactly one of label or version');
        }
        if (shadow.label !== undefined && !LABEL_PATTERN.test(shadow.label))
            throw invalid('bad shadow label');
        if (shadow.version !== undefined && !(Number.isInteger(shadow.version) && shadow.version >= 0)) {
            throw invalid('bad shadow version');
        }
        if (!isPercent(shadow.percent))
            throw invalid('shadow.percent must be in [0, 100]');
    }
}
//# sourceMappingURL=traffic-policy.js.map