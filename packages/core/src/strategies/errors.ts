import { defineErrors } from '../errors.js';

/**
 * Error table of the strategies and DP area. Configuration errors are 400 and
 * final; a round that ends with too few updates for a robust rule is 409 and
 * retryable (the next round may gather enough).
 *
 * @example
 * throw strategyErrors.create('FEDERA_ERR_STRATEGY_UNKNOWN', 'fedfoo');
 */
export const strategyErrors = defineErrors({
  FEDERA_ERR_STRATEGY_UNKNOWN: { message: 'unknown aggregation strategy', status: 400, retryable: false },
  FEDERA_ERR_STRATEGY_PARAM_UNKNOWN: {
    message: 'unknown strategy parameter',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_PARAM_INVALID: {
    message: 'strategy parameter out of range',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE: {
    message: 'strategy needs individual updates, so it cannot run with secure aggregation',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS: {
    message: 'too few clients per round for this robust strategy',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_TOO_FEW_UPDATES: {
    message: 'round ended with too few updates for this robust strategy',
    status: 409,
    retryable: true,
  },
  FEDERA_ERR_STRATEGY_DP_INVALID: {
    message: 'differential privacy parameter out of range',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_DP_INCOMPATIBLE: {
    message: 'differential privacy cannot be combined with this configuration',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_DP_UNCLIPPED_MISSING: {
    message: 'adaptive clipping with client clipping needs metrics.dp_unclipped (count of unclipped updates)',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_STRATEGY_STATE_INVALID: {
    message: 'persisted strategy state does not match the model',
    status: 400,
    retryable: false,
  },
});

/** Codes of the strategies area. */
export type StrategyErrorCode = keyof typeof strategyErrors.table;
