import { defineErrors } from '@federa/core';

/**
 * Error table of client identity (enrolment, challenge signatures, revocation) and TLS setup.
 *
 * @example
 * throw identityErrors.create('FEDERA_ERR_IDENTITY_TOKEN_USED');
 */
export const identityErrors = defineErrors({
  FEDERA_ERR_IDENTITY_TOKEN_INVALID: {
    message: 'enrolment token unknown or expired',
    status: 401,
    retryable: false,
  },
  FEDERA_ERR_IDENTITY_TOKEN_USED: {
    message: 'enrolment token was already used',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_IDENTITY_CLIENT_MISMATCH: {
    message: 'enrolment token is bound to another client id',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_IDENTITY_ALREADY_ENROLLED: {
    message: 'client id already enrolled; re-enrol only with a token bound to this id',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_IDENTITY_KEY_INVALID: {
    message: 'public key is not a valid Ed25519 or ECDSA P-256 key',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND: { message: 'no such enrolled client', status: 404, retryable: false },
  FEDERA_ERR_IDENTITY_REVOKED: { message: 'client was revoked', status: 401, retryable: false },
  FEDERA_ERR_TLS_CONFIG_INVALID: {
    message: 'TLS certificate or key unusable',
    status: 500,
    retryable: false,
  },
});

/** Codes of the identity and TLS table. */
export type IdentityErrorCode = keyof typeof identityErrors.table;
