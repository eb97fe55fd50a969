import { defineErrors } from '@federa/core';

/** Error table of a client's run membership, its tasks and its connection to the coordinator. */
export const membershipErrors = defineErrors({
  FEDERA_ERR_CLIENT_NOT_MEMBER: {
    message: 'refused: this client did not join the run this task, model or evaluation is for',
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_CLIENT_NO_RUNS: {
    message: 'a client must join at least one run (FederaClientOptions.runs)',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_CLIENT_TRAINING_FAILED: {
    message: 'local training failed; the task is refused and the client takes the next one',
    status: 500,
    retryable: true,
  },
  FEDERA_ERR_CLIENT_INTERNAL: {
    message: 'the client failed handling a message; it goes on with the next one',
    status: 500,
    retryable: true,
  },
  FEDERA_ERR_CLIENT_GAVE_UP: {
    message: 'the coordinator stayed unreachable past the give-up time',
    status: 503,
    retryable: false,
  },
});

export type MembershipErrorCode = keyof typeof membershipErrors.table;

/** FEDERA_ERR_CLIENT_GAVE_UP naming the coordinator and how long it was tried (one line). */
export function gaveUpError(url: string, triedMs: number) {
  return membershipErrors.create(
    'FEDERA_ERR_CLIENT_GAVE_UP',
    `${url}, tried for ${Math.round(triedMs / 1000)} s`,
  );
}

/** `code` for an error that is not a FederaError (a bug, TF.js running out of memory), its message kept to one short line. */
export function unexpectedError(
  code: 'FEDERA_ERR_CLIENT_TRAINING_FAILED' | 'FEDERA_ERR_CLIENT_INTERNAL',
  err: unknown,
) {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return membershipErrors.create(code, detail.split('\n')[0]!.slice(0, 200));
}
