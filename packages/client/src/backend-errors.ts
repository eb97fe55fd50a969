import { defineErrors } from '@federa/core';

/** Error table of the TF.js backend choice (`initBackend`). */
export const backendErrors = defineErrors({
  FEDERA_ERR_BACKEND_UNAVAILABLE: {
    message: 'the requested TF.js backend could not start',
    status: 500,
    retryable: false,
  },
});
