import { defineErrors } from '../errors.js';

/**
 * Error table of the secure-aggregation protocol. Every rejection leaves the
 * receiving state machine unchanged, so the coordinator may drop the offending
 * message and carry on, or fail the round and retry it.
 *
 * @example
 * throw secaggErrors.create('FEDERA_ERR_SECAGG_WRONG_ROUND', 'round 3, expected 4');
 */
export const secaggErrors = defineErrors({
  FEDERA_ERR_SECAGG_CONFIG_INVALID: {
    message: 'invalid secure-aggregation parameters',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_OVERFLOW: {
    message: 'the sum of quantized weighted updates could overflow the modulus',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_BAD_INPUT: {
    message: 'update cannot be masked (length, NaN/Infinity or example count)',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_WRONG_ROUND: {
    message: 'message belongs to another run or round',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_WRONG_STAGE: {
    message: 'message does not belong to the current stage',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_NOT_PARTICIPANT: {
    message: 'client is not a participant of this stage',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_DUPLICATE: { message: 'message already received', status: 409, retryable: false },
  FEDERA_ERR_SECAGG_MALFORMED: {
    message: 'malformed message (lengths, recipients or keys)',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_BAD_KEY: { message: 'public key rejected by X25519', status: 400, retryable: false },
  FEDERA_ERR_SECAGG_DECRYPT_FAILED: {
    message: 'encrypted share failed authentication',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_DOUBLE_REVEAL: {
    message: 'refusing to reveal both the self-mask and the masking-key share of one client',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET: {
    message: 'fewer than threshold participants or shares',
    status: 409,
    retryable: true,
  },
  FEDERA_ERR_SECAGG_BAD_SIGNATURE: {
    message:
      "a neighbour's advertised keys are not signed by its enrolled device key (or it is not the pinned key)",
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_INCONSISTENT: {
    message: 'fewer than t neighbours signed the survivor set this client was told; refusing to unmask',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_TOO_FEW_INPUTS: {
    message: 'the sum would include fewer inputs than the floor; refusing to unmask',
    status: 409,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_IDENTITY_REQUIRED: {
    message: 'secure aggregation against a malicious coordinator needs enrolled device keys',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_THREAT_DOWNGRADE: {
    message: 'this client requires the malicious-server mode, the round offers less',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_SECAGG_RECONSTRUCTION_FAILED: {
    message: 'reconstructed secret is inconsistent with the advertised key',
    status: 409,
    retryable: true,
  },
});

/** Codes of the secure-aggregation area. */
export type SecAggErrorCode = keyof typeof secaggErrors.table;
