import type { ErrorSpec } from '@federa/core';
import { backendErrors } from './backend-errors.js';
import { dataErrors } from './data/errors.js';
import { keyStoreErrors } from './identity/keystore-errors.js';
import { membershipErrors } from './membership-errors.js';

/**
 * Every error code `@federa/client` throws locally, with retryability.
 * docs/errors.md is checked against this table by a test.
 */
export const clientErrorCodes: Readonly<Record<string, ErrorSpec>> = {
  ...dataErrors.table,
  ...backendErrors.table,
  ...keyStoreErrors.table,
  ...membershipErrors.table,
};
