import { type Weights, flattenWeights } from '../weights.js';
import { compareIds, concatBytes, randomBytes, wordsToBytes } from './bytes.js';
import { secaggErrors } from './errors.js';
import { FIELD_BYTES, bytesToBigInt, decodeFieldElement, encodeFieldElement } from './field.js';
import { buildNeighbourGraph } from './graph.js';
import {
  KEY_BYTES,
  type RoundKeyPair,
  agree,
  generateRoundKeyPair,
  pairwiseMaskKey,
  sealShare,
  sealedLength,
  selfMaskKey,
  openShare,
} from './keys.js';
import { type MaskExpander, webCryptoMaskExpander } from './keystream.js';
import type {
  AdvertiseKeys,
  AdvertisedKey,
  AdvertisedRoster,
  MaskedInput,
  RevealedShare,
  ShareInbox,
  ShareKeys,
  SurvivorSet,
  SurvivorSetSignature,
  UnmaskRequest,
  UnmaskResponse,
} from './messages.js';
import { type SecAggParams, sumFloor, validateSecAggParams } from './params.js';
import {
  DEVICE_KEY_ALGORITHMS,
  type DeviceKeyAlgorithm,
  type DevicePins,
  MAX_SIGNATURE_BYTES,
  type SecAggSigner,
  advertisementSigningInput,
  deviceKeyFingerprint,
  importDeviceKey,
  survivorSetSigningInput,
  verifyDeviceSignature,
} from './signing.js';
import { quantizeUpdate } from './quantize.js';
import { splitSecret } from './shamir.js';
import { WordAccumulator } from './word-accumulator.js';
import { assertDistinct, assertLength, assertRecipient, assertSameRound, assertStage } from './validate.js';

/** Plaintext of one encrypted share pair: self-mask share ‖ masking-key share. */
export const SHARE_PAIR_BYTES = 2 * FIELD_BYTES;

/** Options of {@link SecAggClient}; `params` must equal the server's. */
export interface SecAggClientOptions {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  readonly params: SecAggParams;
  /** How masks are expanded (default: WebCrypto, in Node and browsers). */
  readonly maskExpander?: MaskExpander;
  /** The enrolled device key: signs adverts and the survivor set (required in malicious-server mode). */
  readonly signer?: SecAggSigner;
  /** Trusted neighbour fingerprints; with `set`, first-seen keys are pinned (see DevicePins). */
  readonly pins?: DevicePins;
  /** Refuse rounds that do not run the malicious-server mode (a coordinator could otherwise downgrade). */
  readonly requireMaliciousServerMode?: boolean;
  /** This client's own floor on inputs in a revealed sum (the coordinator cannot lower it). */
  readonly minInputs?: number;
}

type ClientStage = 'advertise' | 'share' | 'mask' | 'consistency' | 'unmask' | 'done';

/**
 * One client's side of a SecAgg+ round (Bonawitz et al. 2017, §4, over the
 * neighbour graph of Bell et al. 2020). Call the four stages in order; each
 * validates its input first and leaves the state unchanged when it throws.
 *
 * @example
 * const client = new SecAggClient({ runId, round, clientId: 'c1', params });
 * const adv = await client.advertise();          // → server.receiveAdvertise
 * const shares = await client.shareKeys(roster); // → server.receiveShares
 * const masked = await client.maskedInput(inbox, delta, numExamples);
 * const reveal = await client.unmask(request);
 */
export class SecAggClient {
  private stage: ClientStage = 'advertise';
  private busy = false;
  private encryption: RoundKeyPair | undefined;
  private masking: RoundKeyPair | undefined;
  private selfSeed: Uint8Array | undefined;
  private readonly neighbourKeys = new Map<string, AdvertisedKey>();
  /** Malicious-server mode: each neighbour's verified device key. */
  private readonly deviceKeys = new Map<string, CryptoKey>();
  private readonly held = new Map<string, Uint8Array>();
  private readonly malicious: boolean;
  private sampled: readonly string[] = [];
  /** The survivor set this client signed (malicious-server mode). */
  private signedSurvivors: readonly string[] | undefined;

  constructor(private readonly opts: SecAggClientOptions) {
    validateSecAggParams(opts.params);
    this.malicious = opts.params.threat === 'malicious-server';
    if (opts.requireMaliciousServerMode && !this.malicious)
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_THREAT_DOWNGRADE',
        opts.params.threat ?? 'honest-but-curious',
      );
    if (this.malicious && !opts.signer)
      throw secaggErrors.create('FEDERA_ERR_SECAGG_IDENTITY_REQUIRED', 'no device key to sign with');
  }

  /** Stage 1: fresh c and s key pairs for this round, signed with the device key when there is one. */
  advertise(): Promise<AdvertiseKeys> {
    return this.step('advertise', 'share', async () => {
      this.encryption = await generateRoundKeyPair();
      this.masking = await generateRoundKeyPair();
      const { runId, round, clientId, signer } = this.opts;
      const keys = {
        runId,
        round,
        clientId,
        encryptionPublicKey: this.encryption.publicKey,
        maskingPublicKey: this.masking.publicKey,
      };
      return signer ? { ...keys, signature: await signer.sign(advertisementSigningInput(keys)) } : keys;
    });
  }

  /** Stage 2: t-of-|N(i) ∩ U1| shares of b and s_sk, one sealed pair per advertised neighbour. */
  async shareKeys(roster: AdvertisedRoster): Promise<ShareKeys> {
    const { runId, round, clientId, params } = this.opts;
    assertSameRound(roster, runId, round);
    assertRecipient(roster.recipientId, clientId);
    if (roster.sampled.length !== params.sampledCount || !roster.sampled.includes(clientId)) {
      throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', 'sampled ids do not match the parameters');
    }
    assertDistinct(
      roster.neighbours.map((n) => n.clientId),
      'neighbour',
    );
    for (const n of roster.neighbours) {
      assertLength(n.encryptionPublicKey, KEY_BYTES, 'encryption key');
      assertLength(n.maskingPublicKey, KEY_BYTES, 'masking key');
    }
    this.requireThreshold(roster.neighbours.length, 'advertised neighbours');
    return this.step('share', 'mask', async () => {
      const graph = await buildNeighbourGraph(roster.sampled, runId, round, params.neighbours);
      const mine = new Set(graph.neighboursOf(clientId));
      const stranger = roster.neighbours.find((n) => !mine.has(n.clientId));
      if (stranger)
        throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `${stranger.clientId} is not a neighbour`);
      const verified = this.malicious ? await this.verifyAdverts(roster) : [];
      const seed = randomBytes(KEY_BYTES);
      const xs = roster.neighbours.map((n) => graph.shareIndexOf(n.clientId));
      const bShares = splitSecret(bytesToBigInt(seed), params.threshold, xs);
      const sShares = splitSecret(bytesToBigInt(this.masking!.privateBytes), params.threshold, xs);
      const shares = await Promise.all(
        roster.neighbours.map(async (n, i) => {
          const secret = await agree(this.encryption!.privateKey, n.encryptionPublicKey);
          const plain = concatBytes([encodeFieldElement(bShares[i]!.y), encodeFieldElement(sShares[i]!.y)]);
          const context = { runId, round, senderId: clientId, recipientId: n.clientId };
          return {
            senderId: clientId,
            recipientId: n.clientId,
            ciphertext: await sealShare(secret, context, plain),
          };
        }),
      );
      this.selfSeed = seed;
      this.sampled = roster.sampled;
      for (const n of roster.neighbours) this.neighbourKeys.set(n.clientId, n);
      for (const v of verified) {
        this.deviceKeys.set(v.clientId, v.key);
        if (this.opts.pins?.get(v.clientId) === undefined) this.opts.pins?.set?.(v.clientId, v.fingerprint);
      }
      return { runId, round, clientId, shares };
    });
  }

  /** Stage 3: y = quantize(w·Δ, w·metrics, w) + PRG(b) + Σ_{j∈N(i)∩U2} ±PRG(s_ij), as words mod 2^m. */
  async maskedInput(
    inbox: ShareInbox,
    delta: Float32Array | Weights,
    numExamples: number,
    metrics: Readonly<Record<string, number>> = {},
  ): Promise<MaskedInput> {
    const { runId, round, clientId, params } = this.opts;
    assertSameRound(inbox, runId, round);
    assertRecipient(inbox.recipientId, clientId);
    assertStage(this.stage, 'mask');
    assertDistinct(
      inbox.shares.map((s) => s.senderId),
      'share sender',
    );
    for (const s of inbox.shares) {
      assertRecipient(s.recipientId, clientId);
      if (!this.neighbourKeys.has(s.senderId)) {
        throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `share from non-neighbour ${s.senderId}`);
      }
      assertLength(s.ciphertext, sealedLength(SHARE_PAIR_BYTES), 'encrypted share');
    }
    this.requireThreshold(inbox.shares.length, 'neighbours that shared keys');
    const flat = Array.isArray(delta) ? flattenWeights(delta) : delta;
    const words = quantizeUpdate(flat, numExamples, params, metrics);
    return this.step('mask', this.malicious ? 'consistency' : 'unmask', async () => {
      // Derive every key first, then expand all masks in one fused pass over the vector.
      const pairwise = await Promise.all(
        inbox.shares.map(async ({ senderId }) => {
          const secret = await agree(
            this.masking!.privateKey,
            this.neighbourKeys.get(senderId)!.maskingPublicKey,
          );
          const key = await pairwiseMaskKey(secret, runId, round, clientId, senderId);
          return { key, sign: compareIds(clientId, senderId) < 0 ? (1 as const) : (-1 as const) };
        }),
      );
      const self = { key: await selfMaskKey(this.selfSeed!, runId, round, clientId), sign: 1 as const };
      const acc = WordAccumulator.create(words.length);
      acc.add(wordsToBytes(words), 0, 1);
      await (this.opts.maskExpander ?? webCryptoMaskExpander)(acc, [self, ...pairwise]);
      for (const s of inbox.shares) this.held.set(s.senderId, s.ciphertext);
      return { runId, round, clientId, words: acc.toBytes(params.modulusBits) };
    });
  }

  /**
   * Consistency check (malicious-server mode; Bonawitz et al. 2017, §4, round 4): sign the survivor
   * set U3 the coordinator announced, after checking it is canonical, holds this client, is large
   * enough for the floor and leaves it t surviving neighbours.
   */
  async consistency(set: SurvivorSet): Promise<SurvivorSetSignature> {
    const { runId, round, clientId, signer } = this.opts;
    assertSameRound(set, runId, round);
    assertRecipient(set.recipientId, clientId);
    assertStage(this.stage, 'consistency');
    const survivors = [...set.survivors];
    assertDistinct(survivors, 'survivor');
    const sampled = new Set(this.sampled);
    const canonical = survivors.every(
      (id, i) => sampled.has(id) && (i === 0 || compareIds(survivors[i - 1]!, id) < 0),
    );
    if (!canonical || !sampled.has(clientId) || !survivors.includes(clientId))
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_MALFORMED',
        'survivor set must be sorted sampled ids including mine',
      );
    this.requireFloor(survivors.length);
    this.requireThreshold(survivors.filter((id) => this.held.has(id)).length, 'surviving neighbours');
    return this.step('consistency', 'unmask', async () => {
      const signature = await signer!.sign(survivorSetSigningInput(runId, round, clientId, survivors));
      this.signedSurvivors = survivors;
      return { runId, round, clientId, signature };
    });
  }

  /**
   * Stage 4: reveal b-shares of surviving and s-shares of dropped neighbours — never both for one
   * client, never for a sum below the floor, and in malicious-server mode only when at least t
   * neighbours signed the same survivor set as this client and the request agrees with it.
   */
  async unmask(request: UnmaskRequest): Promise<UnmaskResponse> {
    const { runId, round, clientId } = this.opts;
    assertSameRound(request, runId, round);
    assertRecipient(request.recipientId, clientId);
    assertStage(this.stage, 'unmask');
    assertDistinct(request.survivors, 'survivor');
    assertDistinct(request.dropped, 'dropped id');
    const survivors = new Set(request.survivors);
    const both = request.dropped.find((id) => survivors.has(id));
    if (both !== undefined) throw secaggErrors.create('FEDERA_ERR_SECAGG_DOUBLE_REVEAL', both);
    const surviving = request.survivors.filter((id) => this.held.has(id));
    const dropped = request.dropped.filter((id) => this.held.has(id));
    // Without a signed U3 the client sees only its neighbours: the sum holds at least them and itself.
    this.requireFloor(this.signedSurvivors?.length ?? surviving.length + 1);
    this.requireThreshold(surviving.length, 'surviving neighbours');
    if (this.signedSurvivors) this.requireAgreement(this.signedSurvivors, surviving, dropped);
    if (this.malicious) await this.requireConfirmations(request);
    return this.step('unmask', 'done', async () => {
      const open = async (ownerId: string, half: 0 | 1): Promise<RevealedShare> => {
        const secret = await agree(
          this.encryption!.privateKey,
          this.neighbourKeys.get(ownerId)!.encryptionPublicKey,
        );
        const context = { runId, round, senderId: ownerId, recipientId: clientId };
        const plain = await openShare(secret, context, this.held.get(ownerId)!);
        const share = plain.slice(half * FIELD_BYTES, (half + 1) * FIELD_BYTES);
        if (decodeFieldElement(share) === undefined)
          throw secaggErrors.create('FEDERA_ERR_SECAGG_DECRYPT_FAILED', ownerId);
        return { ownerId, share };
      };
      const selfMaskShares = await Promise.all(surviving.map((id) => open(id, 0)));
      const maskingKeyShares = await Promise.all(dropped.map((id) => open(id, 1)));
      return { runId, round, clientId, selfMaskShares, maskingKeyShares };
    });
  }

  /** Run one stage exclusively; the stage only advances when `body` succeeds. */
  private async step<T>(expected: ClientStage, next: ClientStage, body: () => Promise<T>): Promise<T> {
    assertStage(this.busy ? 'busy' : this.stage, expected);
    this.busy = true;
    try {
      const result = await body();
      this.stage = next;
      return result;
    } finally {
      this.busy = false;
    }
  }

  /** Every neighbour's device key must be the registry's (and pinned) one and sign its advertised keys. */
  private async verifyAdverts(
    roster: AdvertisedRoster,
  ): Promise<{ clientId: string; key: CryptoKey; fingerprint: string }[]> {
    const { runId, round } = this.opts;
    return Promise.all(
      roster.neighbours.map(async (n) => {
        const bad = (why: string) =>
          secaggErrors.create('FEDERA_ERR_SECAGG_BAD_SIGNATURE', `${n.clientId}: ${why}`);
        const algorithm = n.deviceKeyAlgorithm as DeviceKeyAlgorithm;
        const spki = n.devicePublicKey;
        if (!DEVICE_KEY_ALGORITHMS.includes(algorithm) || !(spki instanceof Uint8Array) || spki.length === 0)
          throw bad('no registered device key');
        const fingerprint = await deviceKeyFingerprint(spki);
        const pins = this.opts.pins;
        const pinned = pins?.get(n.clientId);
        if (pinned !== undefined && pinned !== fingerprint) throw bad('device key is not the pinned one');
        // A list without `set` is a closed membership: a device it does not name is refused.
        if (pins && !pins.set && pinned === undefined) throw bad('device is not in the pinned list');
        const key = await importDeviceKey({ algorithm, spki });
        const signature = n.signature ?? new Uint8Array();
        const data = advertisementSigningInput({ ...n, runId, round });
        if (
          !key ||
          signature.length > MAX_SIGNATURE_BYTES ||
          !(await verifyDeviceSignature(key, data, signature))
        )
          throw bad('advertised keys not signed by its device key');
        return { clientId: n.clientId, key, fingerprint };
      }),
    );
  }

  /** The request must split my held neighbours exactly as the signed survivor set does. */
  private requireAgreement(
    signed: readonly string[],
    surviving: readonly string[],
    dropped: readonly string[],
  ): void {
    const u3 = new Set(signed);
    const held = [...this.held.keys()];
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((id) => b.includes(id));
    if (
      !same(
        surviving,
        held.filter((id) => u3.has(id)),
      ) ||
      !same(
        dropped,
        held.filter((id) => !u3.has(id)),
      )
    )
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_INCONSISTENT',
        'unmask request disagrees with the signed survivor set',
      );
  }

  /** At least t neighbours' valid signatures over the survivor set this client signed; any bad one aborts. */
  private async requireConfirmations(request: UnmaskRequest): Promise<void> {
    const signed = this.signedSurvivors;
    if (!signed) throw secaggErrors.create('FEDERA_ERR_SECAGG_WRONG_STAGE', 'survivor set not signed');
    const { runId, round, params } = this.opts;
    const signatures = request.signatures ?? [];
    assertDistinct(
      signatures.map((s) => s.clientId),
      'signer',
    );
    const checks = signatures.map(async ({ clientId, signature }) => {
      const key = this.deviceKeys.get(clientId);
      if (!key || !signed.includes(clientId)) return false; // not a surviving neighbour: cannot vouch
      if (signature.length > MAX_SIGNATURE_BYTES) return 'bad';
      const data = survivorSetSigningInput(runId, round, clientId, signed);
      return (await verifyDeviceSignature(key, data, signature)) || 'bad';
    });
    const results = await Promise.all(checks);
    const valid = results.filter((r) => r === true).length;
    if (results.includes('bad') || valid < params.threshold) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_INCONSISTENT',
        `${valid} valid neighbour signatures over the survivor set, t = ${params.threshold}${results.includes('bad') ? ', and an invalid one' : ''}`,
      );
    }
  }

  private requireFloor(inputs: number): void {
    const floor = sumFloor(this.opts.params, this.opts.minInputs);
    if (inputs < floor)
      throw secaggErrors.create('FEDERA_ERR_SECAGG_TOO_FEW_INPUTS', `${inputs} inputs < floor ${floor}`);
  }

  private requireThreshold(count: number, what: string): void {
    if (count < this.opts.params.threshold) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET',
        `${count} ${what} < t = ${this.opts.params.threshold}`,
      );
    }
  }
}
