import type { EnvelopeBody, SecAggBody } from '@federa/protocol';
import { SecAggRound } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type FederationSetup, type SecAggFederation, runSecAgg, startSecAggFederation } from './helpers.js';
import { type MaliciousRelay, type Rewrite, misbehave } from './malicious-coordinator.js';

let fed: SecAggFederation | undefined;
let untap: (() => void) | undefined;
afterEach(async () => {
  untap?.();
  await fed?.stop();
  fed = undefined;
});

const SETTINGS = {
  minClients: 3,
  maxRoundAttempts: 1,
  secureAggregation: { stageTimeoutMs: 2_000 },
};

/** Start `n` clients of run `runId` behind a coordinator that relays through `rewrite`; count accepted reveals. */
async function federation(
  runId: string,
  n: number,
  rewrite: (relay: () => MaliciousRelay) => Rewrite,
  setup: FederationSetup = { production: true },
) {
  const revealedBy: string[] = [];
  untap = SecAggRound.tapAccepted((m) => {
    if (m.kind === 'secaggUnmaskResponse') revealedBy.push(m.clientId);
  });
  let relay: MaliciousRelay | undefined;
  fed = await startSecAggFederation(n, runId, undefined, {
    ...setup,
    beforeClients: (server) => {
      relay = misbehave(
        server,
        rewrite(() => relay!),
      );
    },
  });
  return { fed, revealedBy };
}

/** The round failed, nothing was committed, every client refused with `code`, none revealed a share. */
function expectRefusedByAll(
  f: SecAggFederation,
  revealedBy: string[],
  code: string,
  completedRounds: number,
) {
  expect(completedRounds).toBe(0);
  expect(f.failures.length).toBeGreaterThan(0);
  for (const id of f.clients.keys()) expect(f.rejections.get(id), id).toContain(code);
  expect(revealedBy).toEqual([]);
}

type UnmaskRequest = Extract<SecAggBody, { kind: 'secaggUnmaskRequest' }>['secaggUnmaskRequest'];

describe('a coordinator that lies about who survived (production configuration)', () => {
  it('telling two clients that c4 dropped while the others hear the truth: all five refuse to unmask', async () => {
    const liars = new Set(['c0', 'c1']);
    const forged = new Set<string>();
    const { fed, revealedBy } = await federation('split', 5, (relay) => (body) => {
      if (body.kind === 'secaggSurvivorSet' && liars.has(body.secaggSurvivorSet.recipientId)) {
        const set = body.secaggSurvivorSet;
        return [
          {
            kind: 'secaggSurvivorSet',
            secaggSurvivorSet: { ...set, survivors: set.survivors.filter((id) => id !== 'c4') },
          },
        ];
      }
      // c0 and c1 are asked to reveal c4's masking-key share, c2..c4 its self-mask share: with both
      // halves the coordinator would strip every mask off c4's input. It relays what signatures it has.
      if (body.kind === 'secaggUnmaskRequest') {
        const honest = body.secaggUnmaskRequest;
        for (const id of liars) {
          if (forged.has(id)) continue;
          forged.add(id);
          const others = ['c0', 'c1', 'c2', 'c3'].filter((x) => x !== id);
          const lie: UnmaskRequest = { ...honest, recipientId: id, survivors: others, dropped: ['c4'] };
          void relay().inject(id, { kind: 'secaggUnmaskRequest', secaggUnmaskRequest: lie });
        }
      }
      return undefined;
    });
    const run = await runSecAgg(fed, 'split', { ...SETTINGS, clientsPerRound: 5 });
    expectRefusedByAll(fed, revealedBy, 'FEDERA_ERR_SECAGG_INCONSISTENT', run.completedRounds);
  });

  it('claiming all but two clients dropped: no client signs a survivor set below the floor', async () => {
    const { fed, revealedBy } = await federation('two-left', 5, () => (body) => {
      if (body.kind !== 'secaggSurvivorSet') return undefined;
      const set = body.secaggSurvivorSet;
      const me = set.recipientId;
      const buddy = set.survivors.find((id) => id !== me)!;
      const pair = [me, buddy].sort(); // code-unit order, the protocol's canonical one
      return [
        { kind: 'secaggSurvivorSet', secaggSurvivorSet: { ...set, survivors: pair } } satisfies EnvelopeBody,
      ];
    });
    const run = await runSecAgg(fed, 'two-left', { ...SETTINGS, clientsPerRound: 5 });
    expectRefusedByAll(fed, revealedBy, 'FEDERA_ERR_SECAGG_TOO_FEW_INPUTS', run.completedRounds);
  });
});

describe('the floor also holds without device identity (honest-but-curious mode, default configuration)', () => {
  it('clients that demand 5 inputs refuse an unmask request that leaves them 4', async () => {
    const lost = new Set(['c4', 'c5']);
    const { fed, revealedBy } = await federation(
      'floor',
      6,
      () => (body) => {
        // c0..c3 are told that c4 and c5 dropped (so they would reveal c4's and c5's masking keys).
        if (body.kind !== 'secaggUnmaskRequest' || lost.has(body.secaggUnmaskRequest.recipientId))
          return undefined;
        const r = body.secaggUnmaskRequest;
        const survivors = r.survivors.filter((id) => !lost.has(id));
        const dropped = [...r.dropped, ...r.survivors.filter((id) => lost.has(id))];
        return [{ kind: 'secaggUnmaskRequest', secaggUnmaskRequest: { ...r, survivors, dropped } }];
      },
      { policy: () => ({ minInputs: 5 }) },
    );
    const run = await runSecAgg(fed, 'floor', { ...SETTINGS, clientsPerRound: 6 });
    expect(run.settings.secureAggregation?.threat).toBe('honest-but-curious');
    expect(run.completedRounds).toBe(0);
    expect(fed.failures.length).toBeGreaterThan(0);
    for (const id of ['c0', 'c1', 'c2', 'c3'])
      expect(fed.rejections.get(id), id).toContain('FEDERA_ERR_SECAGG_TOO_FEW_INPUTS');
    // Only c4 and c5, told the truth, answered: no masking-key share of theirs ever left a client.
    expect(revealedBy.every((id) => lost.has(id))).toBe(true);
  });
});
