import { defineErrors } from '@federa/core';

/** Error table of the device key stores. */
export const keyStoreErrors = defineErrors({
  FEDERA_ERR_KEYSTORE_INSECURE: {
    message:
      'the key directory is writable by other users or owned by another user; fix its owner and mode (chmod 700)',
    status: 500,
    retryable: false,
  },
});
