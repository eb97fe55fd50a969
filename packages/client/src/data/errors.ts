import { defineErrors } from '@federa/core';

/** Error table of the client data loaders (CSV, NDJSON, IDX, encoding). */
export const dataErrors = defineErrors({
  FEDERA_ERR_DATA_EMPTY: { message: 'the data has no rows', status: 400, retryable: false },
  FEDERA_ERR_DATA_MISSING_COLUMN: { message: 'a required column is missing', status: 400, retryable: false },
  FEDERA_ERR_DATA_NOT_NUMERIC: {
    message: 'a numeric column holds a non-numeric value',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_DATA_MALFORMED: {
    message: 'the file is not in the expected format',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_DATA_UNKNOWN_LABEL: {
    message: 'a label value is not among the federation-wide classes',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_DATA_STATS_TIMEOUT: {
    message: 'too few clients sent feature statistics in time',
    status: 504,
    retryable: true,
  },
  FEDERA_ERR_DATA_MODEL_MISMATCH: {
    message: "the local data does not fit the run's model",
    status: 422,
    retryable: false,
  },
});

export type DataErrorCode = keyof typeof dataErrors.table;
