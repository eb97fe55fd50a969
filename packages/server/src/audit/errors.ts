import { defineErrors } from '@federa/core';

/**
 * Error table of the audit log (part of `serverErrorCodes`).
 *
 * @example
 * throw auditErrors.create('FEDERA_ERR_AUDIT_RETENTION_INVALID', 'maxEntries: 0');
 */
export const auditErrors = defineErrors({
  FEDERA_ERR_AUDIT_RETENTION_INVALID: {
    message: 'audit retention needs a positive maxAgeMs, a positive integer maxEntries and intervalMs',
    status: 500,
    retryable: false,
  },
});
