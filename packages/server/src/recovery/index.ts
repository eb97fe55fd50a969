export { SerialLock, assertCommitFollows } from './commit-guard.js';
export type { CommitHead } from './commit-guard.js';
export { recoveryErrors } from './recovery-errors.js';
export { RoundJournal, planRound } from './round-journal.js';
export type { OpenRoundRecord, RoundPlan } from './round-journal.js';
export { RoundRecovery } from './round-recovery.js';
