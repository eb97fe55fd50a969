import { defineErrors } from '@federa/core';

/**
 * Error table of run membership (protocol 2): which runs a client may join and
 * what it may receive. A refused hello leaves the client unconnected; a refused
 * request leaves its session as it was.
 *
 * @example
 * throw membershipErrors.create('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER', runId);
 */
export const membershipErrors = defineErrors({
  FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED: {
    message: "this client's enrolment does not cover a run it declared",
    status: 403,
    retryable: false,
  },
  FEDERA_ERR_MEMBERSHIP_BAD_RUN_IDS: {
    message: 'ClientHello.run_ids must be at most 64 distinct, non-empty ids of at most 64 characters',
    status: 400,
    retryable: false,
  },
  FEDERA_ERR_MEMBERSHIP_NOT_MEMBER: {
    message: 'this client did not join the run it asked about',
    status: 403,
    retryable: false,
  },
});

/** Codes of the membership area. */
export type MembershipErrorCode = keyof typeof membershipErrors.table;
