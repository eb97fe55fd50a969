import { defineErrors } from '@federa/core';

/** Error table of the federated feature statistics (the tabular pre-round). */
export const featureErrors = defineErrors({
  FEDERA_ERR_FEATURES_SIGNATURE: {
    message: "an enrolled client's report must carry a valid signature by its device key",
    status: 401,
    retryable: false,
  },
  FEDERA_ERR_FEATURES_ALREADY_REPORTED: {
    message: 'this client already reported different statistics for the run; reports are kept once',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_FEATURES_SCHEMA_MISMATCH: {
    message: "the report's label or columns differ from the run's",
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_FEATURES_TOO_LARGE: {
    message: 'the report would exceed the bound on columns or categories',
    status: 413,
    retryable: false,
  },
  FEDERA_ERR_FEATURES_CAPACITY: {
    message: 'the coordinator holds as many pending reports as it may; retry later',
    status: 503,
    retryable: true,
  },
});

export type FeatureErrorCode = keyof typeof featureErrors.table;
