import { SecAggRound } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type SecAggFederation, paramsOf, runSecAgg, startSecAggFederation } from './helpers.js';
import { expectCorrectAggregate } from './expectations.js';

let fed: SecAggFederation | undefined;
let untap = () => {};
afterEach(async () => {
  untap();
  await fed?.stop();
  fed = undefined;
});

const KIND = { advertised: 'secaggAdvertise', shared: 'secaggShareKeys', masked: 'secaggMasked' } as const;

/** Stop clients c0..c{count-1} as soon as the coordinator accepted their `stage` message in attempt 1. */
async function federationDroppingAt(stage: keyof typeof KIND, count: number): Promise<SecAggFederation> {
  const dropping = new Set(Array.from({ length: count }, (_, i) => `c${i}`));
  const f = await startSecAggFederation(10, 'drops');
  untap = SecAggRound.tapAccepted(({ sessionId, clientId, kind }) => {
    if (kind === KIND[stage] && sessionId.startsWith('drops#1.') && dropping.has(clientId)) {
      void f.clients.get(clientId)!.stop();
    }
  });
  return f;
}

// Ten clients: the derived graph is complete (k = 9) with t = 5, so k - t = 4 may drop at any stage.
describe('SecAgg+ dropouts over the wire', () => {
  it.each(['advertised', 'shared', 'masked'] as const)(
    'k - t clients lost after %s still give the exact aggregate in one attempt',
    async (stage) => {
      fed = await federationDroppingAt(stage, 4);
      const run = await runSecAgg(fed, 'drops', { secureAggregation: { stageTimeoutMs: 3_000 } });
      expect(run.status).toBe('completed');
      const params = paramsOf(fed.tasks.get('c9')!);
      expect(params.neighbours - params.threshold).toBe(4);
      const record = await expectCorrectAggregate(fed, 'drops', 1);
      expect(record.attempts).toBe(1);
      expect(fed.failures).toEqual([]);
      // Clients that masked count even when they left before unmasking; earlier leavers do not.
      expect(record.participants).toHaveLength(stage === 'masked' ? 10 : 6);
    },
  );

  it.each([
    ['advertised', 'FEDERA_ERR_ROUND_FAILED'],
    ['shared', 'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET'],
    ['masked', 'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET'],
  ] as const)(
    'k - t + 1 lost after %s fail the attempt with %s, commit nothing, and the retry commits',
    async (stage, code) => {
      fed = await federationDroppingAt(stage, 5);
      const versionsAtFailure: number[] = [];
      fed.server.events.on('round-failed', () => {
        void fed!.server.store.listVersions('drops').then((v) => versionsAtFailure.push(v.length));
      });
      const run = await runSecAgg(fed, 'drops', { secureAggregation: { stageTimeoutMs: 3_000 } });
      expect(run.status).toBe('completed');
      expect(fed.failures).toEqual([{ round: 1, attempt: 1, code }]);
      expect(versionsAtFailure).toEqual([1]);
      const record = await expectCorrectAggregate(fed, 'drops', 1);
      expect(record.attempts).toBe(2);
      expect(record.participants.map((p) => p.clientId).sort()).toEqual(['c5', 'c6', 'c7', 'c8', 'c9']);
      expect((await fed.server.store.listVersions('drops')).map((v) => v.version)).toEqual([0, 1]);
    },
  );
});
