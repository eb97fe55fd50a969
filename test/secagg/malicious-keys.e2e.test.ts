import { advertisementSigningInput } from '@federa/core';
import { generateDeviceKey, signWithDeviceKey } from '@federa/client';
import type { EnvelopeBody, SecAggBody } from '@federa/protocol';
import { SecAggRound } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type SecAggFederation, runSecAgg, startSecAggFederation } from './helpers.js';
import { misbehave } from './malicious-coordinator.js';

let fed: SecAggFederation | undefined;
let untap: (() => void) | undefined;
afterEach(async () => {
  untap?.();
  await fed?.stop();
  fed = undefined;
});

/** A fresh X25519 public key the lying coordinator holds the private half of. */
async function attackerKey(): Promise<Uint8Array> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
}

type Roster = Extract<SecAggBody, { kind: 'secaggRoster' }>['secaggRoster'];
type Neighbour = Roster['neighbours'][number];

/** Replace `victim`'s entry in every roster with `forge(entry)`: the man in the middle of Bonawitz et al. §4. */
function substitute(victim: string, forge: (n: Neighbour, roster: Roster) => Promise<Neighbour>) {
  return async (body: SecAggBody): Promise<EnvelopeBody[] | undefined> => {
    if (body.kind !== 'secaggRoster') return undefined;
    const roster = body.secaggRoster;
    if (!roster.neighbours.some((n) => n.clientId === victim)) return undefined;
    const neighbours = await Promise.all(
      roster.neighbours.map((n) => (n.clientId === victim ? forge(n, roster) : n)),
    );
    return [{ kind: 'secaggRoster', secaggRoster: { ...roster, neighbours } }];
  };
}

/** Count of each accepted stage message per kind, and who sent the ShareKeys. */
function watchAccepted() {
  const sharedBy: string[] = [];
  const unmaskedBy: string[] = [];
  untap = SecAggRound.tapAccepted((m) => {
    if (m.kind === 'secaggShareKeys') sharedBy.push(m.clientId);
    if (m.kind === 'secaggUnmaskResponse') unmaskedBy.push(m.clientId);
  });
  return { sharedBy, unmaskedBy };
}

const SETTINGS = {
  clientsPerRound: 5,
  minClients: 3,
  maxRoundAttempts: 2,
  secureAggregation: { stageTimeoutMs: 2_000 },
};

describe('a coordinator that substitutes keys (malicious-server mode, production configuration)', () => {
  it("swapping a client's X25519 keys under its signature: every neighbour refuses to share, nothing is revealed", async () => {
    const seen = watchAccepted();
    const forged = await attackerKey();
    fed = await startSecAggFederation(5, 'swap', undefined, {
      production: true,
      beforeClients: (server) => {
        const rewrite = substitute('c1', async (n) => ({
          ...n,
          encryptionPublicKey: forged,
          maskingPublicKey: forged,
        }));
        misbehave(server, (body) => rewrite(body));
      },
    });
    const run = await runSecAgg(fed, 'swap', SETTINGS);
    expect(run.completedRounds).toBe(0);
    expect(fed.failures.length).toBe(2);
    for (const id of ['c0', 'c2', 'c3', 'c4'])
      expect(fed.rejections.get(id)).toContain('FEDERA_ERR_SECAGG_BAD_SIGNATURE');
    // Nobody encrypted a share to the substituted key (only the victim, whose roster was left alone,
    // shared), and no client revealed anything: there is nothing the coordinator could decrypt or unmask.
    expect(new Set(seen.sharedBy)).toEqual(new Set(['c1']));
    expect(seen.unmaskedBy).toEqual([]);
    // The refusals reach the coordinator, so its operator sees that the relay was tampered with.
    const refused = fed.server.coordinator.refusals.list('swap').filter((r) => r.clientId !== 'c1');
    expect(refused.map((r) => [r.clientId, r.code]).sort()).toEqual(
      ['c0', 'c2', 'c3', 'c4'].map((id) => [id, 'FEDERA_ERR_SECAGG_BAD_SIGNATURE']),
    );
  });

  it("swapping its device key too, signed by the coordinator's own key: the fingerprint pinned in round 1 refuses it in round 2", async () => {
    const seen = watchAccepted();
    const forgedKey = await attackerKey();
    const forgedDevice = await generateDeviceKey('Ed25519');
    fed = await startSecAggFederation(5, 'swap-device', undefined, {
      production: true,
      beforeClients: (server) => {
        const rewrite = substitute('c1', async (n, roster) => {
          const keys = { ...n, encryptionPublicKey: forgedKey, maskingPublicKey: forgedKey };
          const signature = await signWithDeviceKey(
            forgedDevice,
            advertisementSigningInput({ runId: roster.runId, round: roster.round, ...keys }),
          );
          return {
            ...keys,
            signature,
            devicePublicKey: forgedDevice.publicKeySpki,
            deviceKeyAlgorithm: 'Ed25519',
          };
        });
        misbehave(server, (body) =>
          body.kind === 'secaggRoster' && body.secaggRoster.round === 2 ? rewrite(body) : undefined,
        );
      },
    });
    const run = await runSecAgg(fed, 'swap-device', { ...SETTINGS, rounds: 2 });
    expect(run.completedRounds).toBe(1);
    for (const id of ['c0', 'c2', 'c3', 'c4'])
      expect(fed.rejections.get(id)).toContain('FEDERA_ERR_SECAGG_BAD_SIGNATURE');
    // Round 1: all five shared and unmasked; round 2: only the victim shared, nobody unmasked.
    expect(seen.unmaskedBy).toHaveLength(5);
    expect(seen.sharedBy.filter((id) => id !== 'c1')).toHaveLength(4);
  });
});
