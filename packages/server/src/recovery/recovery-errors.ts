import { defineErrors } from '@federa/core';

/** Error table of crash recovery (part of `serverErrorCodes`). */
export const recoveryErrors = defineErrors({
  FEDERA_ERR_STORE_ROUND_CONFLICT: {
    message: 'the round is not the next one of its run; it was already committed or one is missing',
    status: 409,
    retryable: false,
  },
});
