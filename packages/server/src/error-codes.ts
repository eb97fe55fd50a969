import type { ErrorSpec } from '@federa/core';
import { auditErrors } from './audit/errors.js';
import { serverErrors } from './errors.js';
import { evaluationErrors } from './evaluation/evaluation-errors.js';
import { featureErrors } from './features/errors.js';
import { identityErrors } from './identity/errors.js';
import { membershipErrors } from './membership/membership-errors.js';
import { recoveryErrors } from './recovery/recovery-errors.js';
import { secaggRoundErrors } from './secagg/errors.js';
import { authErrors, servingErrors } from './serving/errors.js';

/**
 * Every error code `@federa/server` can send, with HTTP status and retryability.
 * docs/errors.md is checked against this table by a test.
 */
export const serverErrorCodes: Readonly<Record<string, ErrorSpec>> = {
  ...serverErrors.table,
  ...servingErrors.table,
  ...authErrors.table,
  ...evaluationErrors.table,
  ...identityErrors.table,
  ...membershipErrors.table,
  ...recoveryErrors.table,
  ...secaggRoundErrors.table,
  ...auditErrors.table,
  ...featureErrors.table,
};
