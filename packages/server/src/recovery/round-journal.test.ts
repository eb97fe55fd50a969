import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpenRoundRecord, planRound } from './round-journal.js';

const record = (patch: Partial<OpenRoundRecord>): OpenRoundRecord => ({
  runId: 'r',
  round: 3,
  attempt: 2,
  baseVersion: 2,
  tasks: [['r.3.2.ab', 'alice']],
  deadline: 10_000,
  openedAt: 0,
  state: 'collecting',
  resumable: true,
  ...patch,
});

describe('planRound', () => {
  it('starts at attempt 1 without a record or with one of an earlier round', () => {
    expect(planRound(undefined, 3, 0, 500)).toEqual({ firstAttempt: 1 });
    expect(planRound(record({ round: 2 }), 3, 0, 500)).toEqual({ firstAttempt: 1 });
  });

  it('resumes a collecting, resumable attempt with time left', () => {
    const r = record({});
    expect(planRound(r, 3, 1_000, 500)).toEqual({ firstAttempt: 2, resume: r });
  });

  it('re-runs an expired, failed or secure-aggregation attempt under a new attempt number', () => {
    expect(planRound(record({}), 3, 9_800, 500)).toEqual({ firstAttempt: 3 });
    expect(planRound(record({ state: 'failed' }), 3, 0, 500)).toEqual({ firstAttempt: 3 });
    expect(planRound(record({ resumable: false }), 3, 0, 500)).toEqual({ firstAttempt: 3 });
  });

  it('never reuses an attempt number it does not resume (task ids stay unique)', () => {
    fc.assert(
      fc.property(
        fc.record({
          round: fc.integer({ min: 1, max: 5 }),
          attempt: fc.integer({ min: 1, max: 9 }),
          deadline: fc.integer({ min: 0, max: 20_000 }),
          state: fc.constantFrom('collecting' as const, 'failed' as const),
          resumable: fc.boolean(),
        }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 20_000 }),
        (patch, round, now) => {
          const r = record(patch);
          const plan = planRound(r, round, now, 500);
          if (r.round !== round) return plan.firstAttempt === 1 && !plan.resume;
          if (plan.resume) return plan.firstAttempt === r.attempt && r.deadline - now >= 500;
          return plan.firstAttempt === r.attempt + 1;
        },
      ),
    );
  });
});
