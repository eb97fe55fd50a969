import { bytesToWords, compareIds } from './bytes.js';
import { secaggErrors } from './errors.js';
import { decodeFieldElement } from './field.js';
import { type NeighbourGraph, buildNeighbourGraph } from './graph.js';
import { KEY_BYTES, sealedLength } from './keys.js';
import { type MaskExpander, webCryptoMaskExpander } from './keystream.js';
import type {
  AdvertiseKeys,
  AdvertisedRoster,
  EncryptedShare,
  MaskedInput,
  ShareInbox,
  ShareKeys,
  SurvivorSet,
  SurvivorSetSignature,
  UnmaskRequest,
  UnmaskResponse,
} from './messages.js';
import { type DevicePublicKey, MAX_SIGNATURE_BYTES } from './signing.js';
import { type SecAggParams, validateSecAggParams } from './params.js';
import { SHARE_PAIR_BYTES } from './client.js';
import type { ShamirShare } from './shamir.js';
import { maskedWordCount } from './quantize.js';
import { removeMasks } from './unmask.js';
import { WordAccumulator } from './word-accumulator.js';
import { assertDistinct, assertLength, assertSameRound, assertStage } from './validate.js';

/** Options of {@link SecAggServer}; `vectorLength` counts model parameters (metric and weight words follow, see maskedWordCount). */
export interface SecAggServerOptions {
  readonly runId: string;
  readonly round: number;
  readonly sampled: readonly string[];
  readonly params: SecAggParams;
  readonly vectorLength: number;
  /** How masks are expanded at unmasking (default: WebCrypto; @federa/server passes node:crypto). */
  readonly maskExpander?: MaskExpander;
  /** Malicious-server mode: each client's enrolled device key, relayed in the rosters (the device registry). */
  readonly deviceKeyOf?: (clientId: string) => DevicePublicKey | undefined;
}

/** Server stage: which client messages it currently accepts ('consistency' only in malicious-server mode). */
export type SecAggServerStage = 'advertise' | 'share' | 'mask' | 'consistency' | 'unmask' | 'done';

/** Result of a round: Σ_{i∈U3} x_i mod 2^m (decode with decodeAggregate) and the sorted survivors U3. */
export interface SecAggResult {
  readonly sum: Uint32Array;
  readonly survivors: string[];
}

/**
 * The server's side of a SecAgg+ round (Bonawitz et al. 2017, §4; Bell et al.
 * 2020). receive* methods validate and throw typed errors without changing
 * state; the first roster / inboxFor / unmaskRequest call closes the previous
 * stage, freezing U1, U2 and U3. Masked inputs are summed as they arrive, so
 * memory is O(vectorLength) whatever the number of clients.
 *
 * @example
 * const server = await SecAggServer.create({ runId, round, sampled, params, vectorLength });
 * server.receiveAdvertise(adv);      // from each client, then
 * const roster = server.roster(id);  // per client; likewise inboxFor, unmaskRequest
 * const { sum, survivors } = await server.finish();
 */
export class SecAggServer {
  private current: SecAggServerStage = 'advertise';
  private finishing = false;
  private readonly advertised = new Map<string, AdvertiseKeys>();
  private readonly shared = new Map<string, readonly EncryptedShare[]>();
  private readonly inboxes = new Map<string, EncryptedShare[]>();
  private readonly masked = new Set<string>();
  private readonly signedSurvivors = new Map<string, Uint8Array>();
  private readonly responded = new Set<string>();
  private readonly selfMaskShares = new Map<string, ShamirShare[]>();
  private readonly maskingKeyShares = new Map<string, ShamirShare[]>();
  private readonly sum: WordAccumulator;

  private readonly malicious: boolean;

  private constructor(
    private readonly opts: SecAggServerOptions,
    private readonly graph: NeighbourGraph,
  ) {
    this.malicious = opts.params.threat === 'malicious-server';
    this.sum = WordAccumulator.create(maskedWordCount(opts.vectorLength, opts.params));
  }

  /** Validate the options and derive the round's public neighbour graph. */
  static async create(opts: SecAggServerOptions): Promise<SecAggServer> {
    validateSecAggParams(opts.params);
    if (opts.sampled.length !== opts.params.sampledCount) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_CONFIG_INVALID',
        'sampled.length differs from params.sampledCount',
      );
    }
    if (!Number.isSafeInteger(opts.vectorLength) || opts.vectorLength < 0) {
      throw secaggErrors.create('FEDERA_ERR_SECAGG_CONFIG_INVALID', `vectorLength ${opts.vectorLength}`);
    }
    const graph = await buildNeighbourGraph(opts.sampled, opts.runId, opts.round, opts.params.neighbours);
    return new SecAggServer(opts, graph);
  }

  /** Current stage. */
  get stage(): SecAggServerStage {
    return this.current;
  }

  /** Ids that completed a stage so far: U1, U2, U3, the survivor-set signers (U4) and the unmasking responders. */
  participants(of: 'advertised' | 'shared' | 'masked' | 'signed' | 'unmasked'): string[] {
    const set = {
      advertised: this.advertised,
      shared: this.shared,
      masked: this.masked,
      signed: this.signedSurvivors,
      unmasked: this.responded,
    }[of];
    return [...set.keys()].sort(compareIds);
  }

  /** Public neighbours of `clientId` in this round's graph. */
  neighboursOf(clientId: string): readonly string[] {
    return this.graph.neighboursOf(clientId);
  }

  /** Stage 1: accept a client's two public keys (signed, from an enrolled client, in malicious-server mode). */
  receiveAdvertise(m: AdvertiseKeys): void {
    this.admit(m, 'advertise', this.graph.shareIndexOf(m.clientId) > 0, this.advertised);
    assertLength(m.encryptionPublicKey, KEY_BYTES, 'encryption key');
    assertLength(m.maskingPublicKey, KEY_BYTES, 'masking key');
    if (this.malicious) {
      if (!this.opts.deviceKeyOf?.(m.clientId))
        throw secaggErrors.create(
          'FEDERA_ERR_SECAGG_IDENTITY_REQUIRED',
          `${m.clientId} has no enrolled device key`,
        );
      this.requireSignature(m.signature);
    }
    this.advertised.set(m.clientId, m);
  }

  /** The keys of `recipientId`'s neighbours in U1; the first call closes stage 1. */
  roster(recipientId: string): AdvertisedRoster {
    if (this.current === 'advertise') this.current = 'share';
    this.requireMember(recipientId, this.advertised);
    const neighbours = this.neighboursIn(recipientId, this.advertised).map((id) => {
      const { clientId, encryptionPublicKey, maskingPublicKey, signature } = this.advertised.get(id)!;
      const keys = { clientId, encryptionPublicKey, maskingPublicKey };
      const device = this.malicious ? this.opts.deviceKeyOf?.(id) : undefined;
      if (!device) return signature === undefined ? keys : { ...keys, signature };
      return { ...keys, signature, devicePublicKey: device.spki, deviceKeyAlgorithm: device.algorithm };
    });
    const { runId, round } = this.opts;
    return { runId, round, recipientId, sampled: this.graph.ids, neighbours };
  }

  /** Stage 2: accept exactly one sealed share pair per neighbour of the sender in U1. */
  receiveShares(m: ShareKeys): void {
    this.admit(m, 'share', this.advertised.has(m.clientId), this.shared);
    const expected = this.neighboursIn(m.clientId, this.advertised);
    assertDistinct(
      m.shares.map((s) => s.recipientId),
      'share recipient',
    );
    const wanted = new Set(expected);
    const wrong = m.shares.find((s) => s.senderId !== m.clientId || !wanted.has(s.recipientId));
    if (wrong || m.shares.length !== expected.length) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_MALFORMED',
        'shares must address exactly the advertised neighbours',
      );
    }
    for (const s of m.shares) assertLength(s.ciphertext, sealedLength(SHARE_PAIR_BYTES), 'encrypted share');
    this.shared.set(m.clientId, m.shares);
  }

  /** The sealed shares addressed to `recipientId` by U2; the first call closes stage 2. */
  inboxFor(recipientId: string): ShareInbox {
    if (this.current === 'advertise') assertStage(this.current, 'share');
    if (this.current === 'share') {
      this.current = 'mask';
      for (const shares of this.shared.values()) {
        for (const s of shares) if (this.shared.has(s.recipientId)) this.inboxFor_(s.recipientId).push(s);
      }
    }
    this.requireMember(recipientId, this.shared);
    const { runId, round } = this.opts;
    return { runId, round, recipientId, shares: [...this.inboxFor_(recipientId)] };
  }

  /** Stage 3: check length and range, then fold the masked words into the running sum. */
  receiveMasked(m: MaskedInput): void {
    this.admit(m, 'mask', this.shared.has(m.clientId), this.masked);
    if (!(m.words instanceof Uint8Array) || m.words.length !== this.sum.length * 4) {
      throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `expected ${this.sum.length} words`);
    }
    const bits = this.opts.params.modulusBits;
    if (bits < 32 && !bytesToWords(m.words).every((w) => w < 2 ** bits)) {
      throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `word exceeds 2^${bits}`);
    }
    this.sum.add(m.words, 0, 1);
    this.masked.add(m.clientId);
  }

  /**
   * Malicious-server mode, consistency check (Bonawitz et al. 2017, §4, round 4): the whole survivor
   * set U3 for `recipientId` to sign; the first call closes stage 3.
   */
  survivorSet(recipientId: string): SurvivorSet {
    if (!this.malicious) assertStage('honest-but-curious', 'malicious-server');
    if (this.current === 'mask') this.current = 'consistency';
    assertStage(this.current, 'consistency');
    this.requireMember(recipientId, this.masked);
    const { runId, round } = this.opts;
    return { runId, round, recipientId, survivors: [...this.masked].sort(compareIds) };
  }

  /** Consistency check: keep a survivor's signature over U3 (clients verify it; the relay cannot). */
  receiveSurvivorSignature(m: SurvivorSetSignature): void {
    this.admit(m, 'consistency', this.masked.has(m.clientId), this.signedSurvivors);
    this.requireSignature(m.signature);
    this.signedSurvivors.set(m.clientId, m.signature);
  }

  /**
   * Which neighbours of `recipientId` survived (U3) or dropped (U2 \ U3); the first call closes
   * stage 3 (or, in malicious-server mode, the consistency check, and then only signers are asked,
   * with their neighbours' signatures).
   */
  unmaskRequest(recipientId: string): UnmaskRequest {
    const before = this.malicious ? 'consistency' : 'mask';
    if (this.current === before) this.current = 'unmask';
    assertStage(this.current, 'unmask');
    this.requireMember(recipientId, this.malicious ? this.signedSurvivors : this.masked);
    const neighbours = this.neighboursIn(recipientId, this.shared);
    const survivors = neighbours.filter((id) => this.masked.has(id));
    const dropped = neighbours.filter((id) => !this.masked.has(id));
    const { runId, round } = this.opts;
    if (!this.malicious) return { runId, round, recipientId, survivors, dropped };
    const signatures = survivors
      .filter((id) => this.signedSurvivors.has(id))
      .map((clientId) => ({ clientId, signature: this.signedSurvivors.get(clientId)! }));
    return { runId, round, recipientId, survivors, dropped, signatures };
  }

  /** Stage 4: accept b-shares of survivors and s-shares of dropped neighbours, refusing the wrong kind. */
  receiveUnmask(m: UnmaskResponse): void {
    const asked = this.malicious ? this.signedSurvivors.has(m.clientId) : this.masked.has(m.clientId);
    this.admit(m, 'unmask', asked, this.responded);
    const owners = [...m.selfMaskShares, ...m.maskingKeyShares].map((s) => s.ownerId);
    if (new Set(owners).size !== owners.length)
      throw secaggErrors.create('FEDERA_ERR_SECAGG_DOUBLE_REVEAL', m.clientId);
    const neighbours = new Set(this.neighboursIn(m.clientId, this.shared));
    const x = this.graph.shareIndexOf(m.clientId);
    const parsed = (list: UnmaskResponse['selfMaskShares'], survivor: boolean) =>
      list.map(({ ownerId, share }) => {
        if (!neighbours.has(ownerId))
          throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `${ownerId} not a neighbour`);
        if (this.masked.has(ownerId) !== survivor)
          throw secaggErrors.create('FEDERA_ERR_SECAGG_DOUBLE_REVEAL', ownerId);
        const y = share instanceof Uint8Array ? decodeFieldElement(share) : undefined;
        if (y === undefined) throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', `share of ${ownerId}`);
        return { ownerId, share: { x, y } };
      });
    const selfShares = parsed(m.selfMaskShares, true);
    const keyShares = parsed(m.maskingKeyShares, false);
    for (const { ownerId, share } of selfShares) listIn(this.selfMaskShares, ownerId).push(share);
    for (const { ownerId, share } of keyShares) listIn(this.maskingKeyShares, ownerId).push(share);
    this.responded.add(m.clientId);
  }

  /**
   * Reconstruct what is needed and output Σ_{i∈U3} x_i mod 2^m. Throws
   * FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET (state kept, may be retried after
   * more responses) when some client of U2 has fewer than t shares revealed.
   */
  async finish(): Promise<SecAggResult> {
    assertStage(this.finishing ? 'finishing' : this.current, 'unmask');
    const t = this.opts.params.threshold;
    const survivors = [...this.masked].sort(compareIds);
    const dropped = [...this.shared.keys()].filter((id) => !this.masked.has(id)).sort(compareIds);
    const lacking = [
      ...survivors.filter((id) => (this.selfMaskShares.get(id)?.length ?? 0) < t),
      ...dropped.filter((id) => (this.maskingKeyShares.get(id)?.length ?? 0) < t),
    ];
    if (survivors.length === 0 || lacking.length > 0) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET',
        `no ${t} shares for ${lacking.join(', ') || 'anyone'}`,
        {
          details: { lacking },
        },
      );
    }
    this.finishing = true;
    try {
      const unmasked = this.sum.clone();
      await removeMasks(unmasked, this.opts.maskExpander ?? webCryptoMaskExpander, {
        ...this.opts,
        survivors,
        dropped,
        selfMaskShares: this.selfMaskShares,
        maskingKeyShares: this.maskingKeyShares,
        maskingKeyOf: (id) => this.advertised.get(id)!.maskingPublicKey,
        neighboursOf: (id) => this.graph.neighboursOf(id),
      });
      this.current = 'done';
      return { sum: unmasked.toWords(this.opts.params.modulusBits), survivors };
    } finally {
      this.finishing = false;
    }
  }

  /** Shared checks of every client message; throws before anything is stored. */
  private admit(
    m: { runId: string; round: number; clientId: string },
    stage: SecAggServerStage,
    eligible: boolean,
    seen: { has(id: string): boolean },
  ): void {
    assertSameRound(m, this.opts.runId, this.opts.round);
    assertStage(this.finishing ? 'finishing' : this.current, stage);
    if (this.graph.shareIndexOf(m.clientId) === 0 || !eligible) {
      throw secaggErrors.create('FEDERA_ERR_SECAGG_NOT_PARTICIPANT', `${m.clientId} in stage ${stage}`);
    }
    if (seen.has(m.clientId))
      throw secaggErrors.create('FEDERA_ERR_SECAGG_DUPLICATE', `${stage} from ${m.clientId}`);
  }

  private requireSignature(signature: Uint8Array | undefined): void {
    if (
      !(signature instanceof Uint8Array) ||
      signature.length === 0 ||
      signature.length > MAX_SIGNATURE_BYTES
    )
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_MALFORMED',
        `signature must be 1..${MAX_SIGNATURE_BYTES} bytes`,
      );
  }

  private requireMember(id: string, set: { has(id: string): boolean }): void {
    if (!set.has(id)) throw secaggErrors.create('FEDERA_ERR_SECAGG_NOT_PARTICIPANT', id);
  }

  private neighboursIn(id: string, set: { has(id: string): boolean }): string[] {
    return this.graph.neighboursOf(id).filter((n) => set.has(n));
  }

  private inboxFor_(id: string): EncryptedShare[] {
    return listIn(this.inboxes, id);
  }
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}
