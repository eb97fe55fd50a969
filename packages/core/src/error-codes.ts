import type { ErrorSpec } from './errors.js';
import { coreErrors } from './core-errors.js';
import { samplingErrors } from './sampling/errors.js';
import { secaggErrors } from './secagg/errors.js';
import { strategyErrors } from './strategies/errors.js';

/**
 * Every error code `@federa/core` can throw, with HTTP status and retryability.
 * docs/errors.md is checked against this table by a test.
 */
export const coreErrorCodes: Readonly<Record<string, ErrorSpec>> = {
  ...coreErrors.table,
  ...strategyErrors.table,
  ...samplingErrors.table,
  ...secaggErrors.table,
};
