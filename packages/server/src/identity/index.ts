export { type ClientRecord, ClientRegistry, type EnrolRequest } from './client-registry.js';
export {
  type EnrolmentTokenRecord,
  EnrolmentTokens,
  type IssuedEnrolmentToken,
} from './enrolment-tokens.js';
export { type IdentityErrorCode, identityErrors } from './errors.js';
export { KEY_ALGORITHMS, type KeyAlgorithm } from './key-algorithms.js';
export { identityRoutes, type IdentityRoutesOptions } from './identity-routes.js';
export { type ClientPublicKey, parsePublicKey, verifySignature } from './public-key.js';
export {
  KeyedRateLimiter,
  RATE_LIMIT_DEFAULTS,
  type RateLimitOptions,
  type RateVerdict,
} from './rate-limit.js';
export { helloAuthenticator, type IdentityOptions } from './hello-authenticator.js';
export { reporterCheck } from './reporter-check.js';
