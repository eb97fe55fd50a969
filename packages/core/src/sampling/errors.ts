import { defineErrors } from '../errors.js';

/**
 * Error table of client sampling.
 *
 * @example
 * throw samplingErrors.create('FEDERA_ERR_SAMPLING_TOO_FEW_CLIENTS', '2 available, need 3');
 */
export const samplingErrors = defineErrors({
  FEDERA_ERR_SAMPLING_TOO_FEW_CLIENTS: {
    message: 'fewer clients available than the round needs',
    status: 409,
    retryable: true,
  },
});
