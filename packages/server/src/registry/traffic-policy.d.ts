import { type TrafficPolicy } from './registry-types.js';
/** Throw FEDERA_ERR_SERVING_POLICY_INVALID unless `policy` is well-formed. */
export declare function validatePolicy(policy: TrafficPolicy): void;
