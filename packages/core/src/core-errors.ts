import { defineErrors } from './errors.js';

/** Error table of `@federa/core`. Keep in sync with docs/errors.md (a test checks). */
export const coreErrors = defineErrors({
  FEDERA_ERR_CORE_SHAPE_MISMATCH: {
    message: 'tensor layout does not match the model',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_CORE_NOT_FINITE: { message: 'tensor holds NaN or Infinity', status: 400, retryable: false },
  FEDERA_ERR_CORE_BAD_WEIGHT: {
    message: 'update weight must be a finite positive number',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_CORE_NO_UPDATES: { message: 'no updates to aggregate', status: 409, retryable: true },
  FEDERA_ERR_CORE_CONFIG_INVALID: { message: 'invalid configuration', status: 400, retryable: false },
});

/** Codes of `@federa/core`. */
export type CoreErrorCode = keyof typeof coreErrors.table;
