import { defineErrors } from '@federa/core';

/**
 * Error table of federated evaluation. A result for no open evaluation task
 * (late, replayed or forged) is refused without affecting anything.
 *
 * @example
 * throw evaluationErrors.create('FEDERA_ERR_EVAL_UNKNOWN_TASK', result.taskId);
 */
export const evaluationErrors = defineErrors({
  FEDERA_ERR_EVAL_UNKNOWN_TASK: {
    message: 'no open evaluation task matches this result (late results are ignored)',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_EVAL_DUPLICATE_RESULT: {
    message: 'a result for this evaluation task was already accepted',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_EVAL_BAD_RESULT: {
    message: 'evaluation result is malformed (examples, version or metrics)',
    status: 400,
    retryable: false,
  },
});

/** Codes of the evaluation area. */
export type EvaluationErrorCode = keyof typeof evaluationErrors.table;
