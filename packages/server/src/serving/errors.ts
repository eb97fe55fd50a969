import { defineErrors } from '@federa/core';

/** Error table of the serving plane (inference, registry, batch jobs). */
export const servingErrors = defineErrors({
  FEDERA_ERR_SERVING_MODEL_NOT_FOUND: { message: 'no such model', status: 404, retryable: false },
  FEDERA_ERR_SERVING_VERSION_NOT_FOUND: { message: 'no such model version', status: 404, retryable: false },
  FEDERA_ERR_SERVING_LABEL_NOT_FOUND: { message: 'no such label', status: 404, retryable: false },
  FEDERA_ERR_SERVING_LABEL_INVALID: {
    message: 'labels match [a-z0-9_-]{1,64}',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SERVING_NO_HISTORY: {
    message: 'the label has no previous target to roll back to',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SERVING_BAD_REQUEST: {
    message: 'request does not match the schema',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SERVING_BAD_SHAPE: {
    message: "input shape does not match the model's input signature",
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SERVING_BAD_DTYPE: { message: 'unsupported input datatype', status: 400, retryable: false },
  FEDERA_ERR_SERVING_TOO_MANY_ROWS: {
    message: 'more rows in one request than the inference queue holds',
    status: 413,
    retryable: false,
  },
  FEDERA_ERR_SERVING_NOT_FINITE: { message: 'inputs must be finite numbers', status: 400, retryable: false },
  FEDERA_ERR_SERVING_BODY_TOO_LARGE: { message: 'request body too large', status: 413, retryable: false },
  FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA: {
    message: 'unsupported content type',
    status: 415,
    retryable: false,
  },
  FEDERA_ERR_SERVING_OVERLOADED: {
    message: 'inference queue is full; retry after the Retry-After delay',
    status: 503,
    retryable: true,
  },
  FEDERA_ERR_SERVING_NOT_READY: { message: 'model is not loaded yet', status: 503, retryable: true },
  FEDERA_ERR_SERVING_LOAD_FAILED: { message: 'model version failed to load', status: 500, retryable: false },
  FEDERA_ERR_SERVING_UNSUPPORTED_MODEL: {
    message: 'only single-input, single-output float32 models are served',
    status: 422,
    retryable: false,
  },
  FEDERA_ERR_SERVING_POLICY_INVALID: { message: 'invalid traffic policy', status: 400, retryable: false },
  FEDERA_ERR_SERVING_JOB_NOT_FOUND: { message: 'no such batch job', status: 404, retryable: false },
  FEDERA_ERR_SERVING_JOB_NOT_DONE: {
    message: 'the batch job has not finished',
    status: 409,
    retryable: true,
  },
  FEDERA_ERR_SERVING_INTERNAL: { message: 'internal error', status: 500, retryable: false },
  FEDERA_ERR_SERVING_JOB_INPUT: { message: 'batch job input is malformed', status: 400, retryable: false },
  FEDERA_ERR_SERVING_NO_TRANSFORM: {
    message:
      "this model takes encoded tensors only: its run has no frozen feature statistics, or their width is not the model's input",
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SERVING_BAD_ROW: {
    message: "a raw row does not match the model's transform",
    status: 400,
    retryable: false,
  },
});

/** Error table of bearer-token authentication. */
export const authErrors = defineErrors({
  FEDERA_ERR_AUTH_MISSING: { message: 'missing bearer token', status: 401, retryable: false },
  FEDERA_ERR_AUTH_INVALID: { message: 'unknown bearer token', status: 401, retryable: false },
  FEDERA_ERR_AUTH_FORBIDDEN: { message: 'the token lacks a required role', status: 403, retryable: false },
});

/** Codes of the serving plane. */
export type ServingErrorCode = keyof typeof servingErrors.table;
/** Codes of authentication. */
export type AuthErrorCode = keyof typeof authErrors.table;
