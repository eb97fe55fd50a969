import { defineErrors } from '@federa/core';

/** Error table of `@federa/server`. Keep in sync with docs/errors.md (a test checks). */
export const serverErrors = defineErrors({
  FEDERA_ERR_RUN_NOT_FOUND: { message: 'no such run', status: 404, retryable: false },
  FEDERA_ERR_RUN_CONFIG_INVALID: { message: 'invalid run configuration', status: 400, retryable: false },
  FEDERA_ERR_RUN_EXISTS: { message: 'a run with this id already exists', status: 409, retryable: false },
  FEDERA_ERR_RUN_STATE: {
    message: 'the run is not in a state that allows this',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_RUN_TOPOLOGY_INVALID: {
    message: 'the model topology cannot be read or built',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_RUN_MODEL_TOO_LARGE: {
    message: 'the model has more parameters than this coordinator allows',
    status: 413,
    retryable: false,
  },
  FEDERA_ERR_VERSION_NOT_FOUND: { message: 'no such model version', status: 404, retryable: false },
  FEDERA_ERR_STORE_CORRUPT: {
    message: 'stored data failed its integrity check',
    status: 500,
    retryable: false,
  },
  FEDERA_ERR_SESSION_NO_HELLO: { message: 'send a ClientHello first', status: 401, retryable: false },
  FEDERA_ERR_SESSION_UNAUTHENTICATED: {
    message: 'client credentials rejected',
    status: 401,
    retryable: false,
  },
  FEDERA_ERR_SESSION_DUPLICATE: {
    message: 'another session holds this client id; the old one was closed',
    status: 409,
    retryable: true,
  },
  FEDERA_ERR_SESSION_ID_IN_USE: {
    message:
      'this client id is connected in another session; a hello that does not prove the id (a device signature) cannot replace it; retry once it has closed',
    status: 409,
    retryable: true,
  },
  FEDERA_ERR_SESSION_CLIENT_ID_INVALID: {
    message: 'client_id must be 1-128 characters of A-Za-z0-9._:@- starting with a letter or digit',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SESSION_TOO_MANY_SOCKETS: {
    message: 'too many sockets from this address are waiting for their hello; the new one was closed',
    status: 429,
    retryable: true,
  },
  FEDERA_ERR_SESSION_OVERLOADED: {
    message: 'the coordinator holds too many pending bytes across all sockets; this socket was closed',
    status: 503,
    retryable: true,
  },
  FEDERA_ERR_SESSION_UNEXPECTED: {
    message: 'message not expected from a client',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_ROUND_UNKNOWN_TASK: {
    message: 'no open task matches this update',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_ROUND_CLOSED: {
    message: 'the round closed before this update arrived; it was not counted',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_ROUND_WRONG_ROUND: { message: 'update is for another round', status: 409, retryable: false },
  FEDERA_ERR_ROUND_WRONG_VERSION: {
    message: 'update was trained on another model version',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_ROUND_DUPLICATE_UPDATE: {
    message: 'an update for this task was already accepted',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_ROUND_BAD_EXAMPLES: {
    message: 'num_examples must be a positive integer within the run limit',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_ROUND_BAD_METRICS: {
    message: 'metrics must be at most 32 names of [A-Za-z0-9_.:/-], 1-64 characters',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_ROUND_NON_FINITE: {
    message: 'the aggregated model holds NaN or Infinity; the round attempt committed nothing',
    status: 500,
    retryable: true,
  },
  FEDERA_ERR_ROUND_FAILED: {
    message: 'the round ended with fewer updates than the minimum',
    status: 503,
    retryable: true,
  },
  FEDERA_ERR_RUN_CLIENTS_REFUSED: {
    message: "every sampled client refused the run's tasks",
    status: 422,
    retryable: false,
  },
  FEDERA_ERR_ROUTE_NOT_FOUND: { message: 'no such route', status: 404, retryable: false },
  FEDERA_ERR_REQUEST_INVALID: { message: 'request failed validation', status: 400, retryable: false },
  FEDERA_ERR_SERVER_INTERNAL: { message: 'internal error', status: 500, retryable: true },
  FEDERA_ERR_RATE_LIMITED: { message: 'too many messages; slow down', status: 429, retryable: true },
});

/** Codes of `@federa/server`. */
export type ServerErrorCode = keyof typeof serverErrors.table;
