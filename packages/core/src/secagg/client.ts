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
  UnmaskRequest,
  UnmaskResponse,
} from './messages.js';
import { type SecAggParams, validateSecAggParams } from './params.js';
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
}

type ClientStage = 'advertise' | 'share' | 'mask' | 'unmask' | 'done';

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
  private readonly held = new Map<string, Uint8Array>();

  constructor(private readonly opts: SecAggClientOptions) {
    validateSecAggParams(opts.params);
  }

  /** Stage 1: fresh c and s key pairs for this round. */
  advertise(): Promise<AdvertiseKeys> {
    return this.step('advertise', 'share', async () => {
      this.encryption = await generateRoundKeyPair();
      this.masking = await generateRoundKeyPair();
      const { runId, round, clientId } = this.opts;
      return {
        runId,
        round,
        clientId,
        encryptionPublicKey: this.encryption.publicKey,
        maskingPublicKey: this.masking.publicKey,
      };
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
      for (const n of roster.neighbours) this.neighbourKeys.set(n.clientId, n);
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
    return this.step('mask', 'unmask', async () => {
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

  /** Stage 4: reveal b-shares of surviving and s-shares of dropped neighbours — never both for one client. */
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
    this.requireThreshold(surviving.length, 'surviving neighbours');
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

  private requireThreshold(count: number, what: string): void {
    if (count < this.opts.params.threshold) {
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET',
        `${count} ${what} < t = ${this.opts.params.threshold}`,
      );
    }
  }
}
