import { SecAggRound } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCorrectAggregate } from './expectations.js';
import { type SecAggFederation, paramsOf, runSecAgg, startSecAggFederation } from './helpers.js';

let fed: SecAggFederation | undefined;
afterEach(async () => {
  await fed?.stop();
  fed = undefined;
});

describe('SecAgg+ against a malicious coordinator: the honest path (production configuration)', () => {
  it('defaults to the malicious-server mode, signs every advert and survivor set, and commits the plain mean', async () => {
    const kinds: string[] = [];
    const untap = SecAggRound.tapAccepted((m) => kinds.push(m.kind));
    try {
      // Ed25519 and P-256 device keys side by side; every client demands the mode itself.
      fed = await startSecAggFederation(6, 'signed', undefined, {
        production: true,
        algorithm: (i) => (i % 2 === 0 ? 'Ed25519' : 'ECDSA-P256'),
        policy: () => ({ requireMaliciousServerMode: true }),
      });
      const run = await runSecAgg(fed, 'signed', { rounds: 2 });
      expect(run.status).toBe('completed');
      expect(run.settings.secureAggregation?.threat).toBe('malicious-server');
      await expectCorrectAggregate(fed, 'signed', 1);
      await expectCorrectAggregate(fed, 'signed', 2);
    } finally {
      untap();
    }
    const params = paramsOf(fed.tasks.get('c0')!);
    expect(params.threat).toBe('malicious-server');
    // Each of the 6 clients went through the consistency check in both rounds, and nobody refused.
    expect(kinds.filter((k) => k === 'secaggSurvivorSignature')).toHaveLength(12);
    expect(kinds.filter((k) => k === 'secaggUnmaskResponse')).toHaveLength(12);
    expect([...fed.rejections.values()].flat()).toEqual([]);
  });

  it('a client that requires the mode refuses a weaker round, and the coordinator is told why', async () => {
    // Default configuration: no device identity, so runs are honest-but-curious.
    fed = await startSecAggFederation(3, 'downgraded', undefined, {
      policy: () => ({ requireMaliciousServerMode: true }),
    });
    const run = await runSecAgg(fed, 'downgraded', { maxRoundAttempts: 1 });
    expect(run.settings.secureAggregation?.threat).toBe('honest-but-curious');
    expect(run.completedRounds).toBe(0);
    for (const id of fed.clients.keys())
      expect(fed.rejections.get(id), id).toContain('FEDERA_ERR_SECAGG_THREAT_DOWNGRADE');
    expect(fed.server.coordinator.refusals.list('downgraded').map((r) => r.code)).toEqual(
      Array(3).fill('FEDERA_ERR_SECAGG_THREAT_DOWNGRADE'),
    );
    // Refused before anything was sent: no client trained or advertised a key.
    expect(fed.truth.size).toBe(0);
  });
});
