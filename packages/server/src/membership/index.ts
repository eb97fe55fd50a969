export { type MembershipErrorCode, membershipErrors } from './membership-errors.js';
export {
  type AdmittedRuns,
  MAX_DECLARED_RUNS,
  type RunMember,
  RunMembership,
  type RunMembershipDeps,
  runEndedBody,
} from './run-membership.js';
