/**
 * Plain message objects of the four SecAgg+ stages, mirrored field by field in
 * proto/federa/v1/secagg.proto. Every message names its run and round so a
 * replay from another round is rejected (Bonawitz et al. 2017, §4).
 */

/** Stage 1, client → server: the client's two X25519 public keys (raw, 32 bytes each). */
export interface AdvertiseKeys {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  /** c_pk: agrees the keys that encrypt shares. */
  readonly encryptionPublicKey: Uint8Array;
  /** s_pk: agrees the pairwise masks. */
  readonly maskingPublicKey: Uint8Array;
  /** Device-key signature over advertisementSigningInput (malicious-server mode; empty otherwise). */
  readonly signature?: Uint8Array;
}

/** One neighbour's advertised keys as forwarded by the server. */
export interface AdvertisedKey {
  readonly clientId: string;
  readonly encryptionPublicKey: Uint8Array;
  readonly maskingPublicKey: Uint8Array;
  readonly signature?: Uint8Array;
  /** The neighbour's enrolled device key (DER SPKI) from the coordinator's registry, in malicious-server mode. */
  readonly devicePublicKey?: Uint8Array;
  /** `Ed25519` or `ECDSA-P256`, with devicePublicKey. */
  readonly deviceKeyAlgorithm?: string;
}

/** Stage 1, server → one client: the sampled ids and the keys of its neighbours that advertised (U1). */
export interface AdvertisedRoster {
  readonly runId: string;
  readonly round: number;
  readonly recipientId: string;
  readonly sampled: readonly string[];
  readonly neighbours: readonly AdvertisedKey[];
}

/** AES-256-GCM ciphertext of one share pair, from sender to recipient: iv (12) ‖ ct ‖ tag (16). */
export interface EncryptedShare {
  readonly senderId: string;
  readonly recipientId: string;
  readonly ciphertext: Uint8Array;
}

/** Stage 2, client → server: one encrypted share pair per neighbour in U1. */
export interface ShareKeys {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  readonly shares: readonly EncryptedShare[];
}

/** Stage 2, server → one client: the share pairs its neighbours in U2 addressed to it. */
export interface ShareInbox {
  readonly runId: string;
  readonly round: number;
  readonly recipientId: string;
  readonly shares: readonly EncryptedShare[];
}

/** Stage 3, client → server: y = x + self mask ± pairwise masks, little-endian uint32 words. */
export interface MaskedInput {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  readonly words: Uint8Array;
}

/** Consistency check (malicious-server mode), server → each survivor: the whole survivor set U3, sorted. */
export interface SurvivorSet {
  readonly runId: string;
  readonly round: number;
  readonly recipientId: string;
  readonly survivors: readonly string[];
}

/** Consistency check, client → server: its device-key signature over survivorSetSigningInput. */
export interface SurvivorSetSignature {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  readonly signature: Uint8Array;
}

/** One survivor's signature over U3, as relayed in an UnmaskRequest. */
export interface SurvivorSignature {
  readonly clientId: string;
  readonly signature: Uint8Array;
}

/** Stage 4, server → one survivor: which of its neighbours sent MaskedInput (U3) and which dropped (U2 \ U3). */
export interface UnmaskRequest {
  readonly runId: string;
  readonly round: number;
  readonly recipientId: string;
  readonly survivors: readonly string[];
  readonly dropped: readonly string[];
  /** Malicious-server mode: the neighbours' signatures over the survivor set (at least t must verify). */
  readonly signatures?: readonly SurvivorSignature[];
}

/** A decrypted Shamir share of `ownerId`'s secret, at the responder's public point. */
export interface RevealedShare {
  readonly ownerId: string;
  readonly share: Uint8Array;
}

/** Stage 4, client → server: self-mask shares of surviving and masking-key shares of dropped neighbours. */
export interface UnmaskResponse {
  readonly runId: string;
  readonly round: number;
  readonly clientId: string;
  readonly selfMaskShares: readonly RevealedShare[];
  readonly maskingKeyShares: readonly RevealedShare[];
}
