import { defineErrors } from '@federa/core';

/**
 * Coordinator-side errors of secure-aggregation rounds; the protocol's own
 * rejections are `secaggErrors` of @federa/core.
 *
 * @example
 * throw secaggRoundErrors.create('FEDERA_ERR_SECAGG_PLAIN_UPDATE', taskId);
 */
export const secaggRoundErrors = defineErrors({
  FEDERA_ERR_SECAGG_PLAIN_UPDATE: {
    message: 'this round runs secure aggregation: send the SecAgg+ stages, not a plain update',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_NO_SESSION: {
    message: 'no open secure-aggregation session with this id',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_SENDER_MISMATCH: {
    message: 'a SecAgg+ message must name the client that sends it',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_UNMASK_FAILED: {
    message: 'expanding the masks failed on the coordinator; the attempt commits nothing and is retried',
    status: 500,
    retryable: true,
  },
  FEDERA_ERR_SECAGG_UNEXPECTED_KIND: {
    message: 'clients do not send this SecAgg+ message kind',
    status: 400,
    retryable: false,
  },
});
