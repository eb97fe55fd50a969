import { secaggErrors } from './errors.js';

/** Reject a message from another run or round: every stage message binds both (replay protection). */
export function assertSameRound(
  message: { runId: string; round: number },
  runId: string,
  round: number,
): void {
  if (message.runId !== runId || message.round !== round) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_WRONG_ROUND',
      `got ${message.runId}/${message.round}, expected ${runId}/${round}`,
    );
  }
}

/** Reject a message addressed to someone else. */
export function assertRecipient(recipientId: string, clientId: string): void {
  if (recipientId !== clientId) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `addressed to ${recipientId}, not ${clientId}`);
  }
}

/** Throw unless every id in `ids` is distinct. */
export function assertDistinct(ids: readonly string[], what: string): void {
  if (new Set(ids).size !== ids.length)
    throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `duplicate ${what}`);
}

/** Throw unless `bytes` has exactly `length` bytes. */
export function assertLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `${what} must be ${length} bytes`);
  }
}

/** Throw FEDERA_ERR_SECAGG_WRONG_STAGE unless `actual` is `expected`. */
export function assertStage(actual: string, expected: string): void {
  if (actual !== expected) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_WRONG_STAGE', `stage is ${actual}, expected ${expected}`);
  }
}
