import type { RunRecord } from '../runs/run-types.js';
import { recoveryErrors } from './recovery-errors.js';

/** The parts of a round commit the guard checks. */
export interface CommitHead {
  run: RunRecord;
  version: { version: number; round: number };
  round: { round: number; version: number };
}

/**
 * Refuse a commit that is not exactly the next round of the stored run: a
 * round committed twice (e.g. by a scheduler that outlived a restart) or one
 * that skips ahead. Checked under the store's commit lock, right before the batch.
 *
 * @example
 * assertCommitFollows(await store.getRun(id), commit); // throws FEDERA_ERR_STORE_ROUND_CONFLICT
 */
export function assertCommitFollows(stored: RunRecord | undefined, c: CommitHead): void {
  const id = c.run.settings.id;
  const round = c.round.round;
  const ok =
    stored !== undefined &&
    stored.status !== 'completed' &&
    round === stored.completedRounds + 1 &&
    c.version.version === stored.currentVersion + 1 &&
    c.version.round === round &&
    c.round.version === c.version.version &&
    c.run.completedRounds === round &&
    c.run.currentVersion === c.version.version;
  if (!ok) {
    const have = stored ? `${stored.completedRounds} rounds, v${stored.currentVersion}` : 'no run';
    throw recoveryErrors.create('FEDERA_ERR_STORE_ROUND_CONFLICT', `${id} round ${round} (stored: ${have})`);
  }
}

/**
 * Runs async sections one after another (one level database belongs to one
 * process, so this makes read-check-write sequences atomic).
 *
 * @example
 * await lock.run(async () => { check(await read()); await write(); });
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(section);
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
