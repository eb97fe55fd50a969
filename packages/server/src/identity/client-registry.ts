import type { ClientHello } from '@federa/protocol';
import type { FederationEvents } from '../events.js';
import type { FederaStore } from '../store/store.js';
import { EnrolmentTokens } from './enrolment-tokens.js';
import { identityErrors } from './errors.js';
import { helloSigningInput } from '@federa/protocol';
import type { KeyAlgorithm } from './key-algorithms.js';
import { type ClientPublicKey, parsePublicKey, verifySignature } from './public-key.js';

/** An enrolled client as stored (`clients` sublevel) and listed over REST. */
export interface ClientRecord {
  clientId: string;
  algorithm: KeyAlgorithm;
  /** Base64 DER SPKI of the device key. */
  publicKey: string;
  fingerprint: string;
  enrolledAt: string;
  /** Token id of the enrolment token used. */
  enrolmentTokenId: string;
  /** The runs its enrolment token was scoped to; absent: any run. */
  runs?: string[];
  revokedAt?: string;
  revokedBy?: string;
}

/** Input of {@link ClientRegistry.enrol}, as posted to `POST /api/clients/enrol`. */
export interface EnrolRequest {
  token: string;
  clientId: string;
  publicKey: string;
  algorithm: string;
}

interface ClientSub {
  put(key: string, value: ClientRecord): Promise<void>;
  values(): { all(): Promise<ClientRecord[]> };
}

/**
 * Enrolled device keys and the revoked set, mirrored in memory so the gateway
 * can check a signature at hello and revocation on every message without I/O.
 *
 * @example
 * const registry = await ClientRegistry.open(store);
 * const ok = registry.verifyHello(hello, nonce);
 */
export class ClientRegistry {
  readonly tokens: EnrolmentTokens;
  private readonly records = new Map<string, { record: ClientRecord; key: ClientPublicKey }>();
  private readonly revoked = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: FederaStore,
    private readonly sub: ClientSub,
    private readonly events: FederationEvents | undefined,
  ) {
    this.tokens = new EnrolmentTokens(store);
  }

  /** Load the registry; with `events`, each revocation is announced as `client-revoked`. */
  static async open(store: FederaStore, events?: FederationEvents): Promise<ClientRegistry> {
    const sub = store.db.sublevel<string, ClientRecord>('clients', {
      valueEncoding: 'json',
    }) as unknown as ClientSub;
    const registry = new ClientRegistry(store, sub, events);
    for (const record of await sub.values().all()) registry.remember(record);
    return registry;
  }

  list(): ClientRecord[] {
    return [...this.records.values()].map((e) => e.record);
  }

  get(clientId: string): ClientRecord | undefined {
    return this.records.get(clientId)?.record;
  }

  isEnrolled(clientId: string): boolean {
    return this.records.has(clientId);
  }

  /** The enrolled key of an unrevoked client (what secure aggregation relays and checks signatures with). */
  activeKey(clientId: string): ClientPublicKey | undefined {
    return this.revoked.has(clientId) ? undefined : this.records.get(clientId)?.key;
  }

  /** O(1); called by the gateway for every message of an admitted client. */
  /** The runs this enrolled client may join, if its enrolment token was scoped to runs. */
  runScope(clientId: string): readonly string[] | undefined {
    return this.records.get(clientId)?.record.runs;
  }

  isRevoked(clientId: string): boolean {
    return this.revoked.has(clientId);
  }

  /** Enrol a device key with a one-time token; token use and record are one atomic batch. */
  enrol(req: EnrolRequest, now = Date.now()): Promise<ClientRecord> {
    // Serialized so two requests cannot both pass the single-use check.
    return this.serialized(async () => {
      const token = await this.tokens.check(req.token, req.clientId, now);
      // A token bound to this id is the admin's explicit consent to replace its key (and lift a revocation).
      if (this.records.has(req.clientId) && token.clientId !== req.clientId) {
        throw identityErrors.create('FEDERA_ERR_IDENTITY_ALREADY_ENROLLED');
      }
      const key = parsePublicKey(req.publicKey, req.algorithm);
      const record: ClientRecord = {
        clientId: req.clientId,
        algorithm: key.algorithm,
        publicKey: key.spki.toString('base64'),
        fingerprint: key.fingerprint,
        enrolledAt: new Date(now).toISOString(),
        enrolmentTokenId: token.tokenId,
        ...(token.runs !== undefined ? { runs: token.runs } : {}),
      };
      await this.store.db.batch([
        this.tokens.consumeOp(req.token, token, req.clientId, now),
        { type: 'put', sublevel: this.sub, key: req.clientId, value: record },
      ] as never);
      this.remember(record);
      return record;
    });
  }

  /**
   * Revoke a client: from now on it is never sampled, its live session is closed
   * (via `client-revoked`), and its hellos and messages are refused.
   */
  revoke(clientId: string, by: string, now = Date.now()): Promise<ClientRecord> {
    return this.serialized(async () => {
      const entry = this.records.get(clientId);
      if (!entry) throw identityErrors.create('FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND');
      if (entry.record.revokedAt) return entry.record;
      const record = { ...entry.record, revokedAt: new Date(now).toISOString(), revokedBy: by };
      await this.sub.put(clientId, record);
      this.remember(record);
      this.events?.emit('client-revoked', { clientId });
      return record;
    });
  }

  /**
   * True when `hello` carries a valid signature, by this client's enrolled and
   * unrevoked key, over this session's nonce. Never throws on hostile input.
   */
  verifyHello(hello: ClientHello, nonce: Uint8Array): boolean {
    const entry = this.records.get(hello.clientId);
    if (!entry || this.revoked.has(hello.clientId)) return false;
    const { signature, keyAlgorithm } = hello.credentials;
    if (keyAlgorithm !== entry.key.algorithm || signature.length === 0) return false;
    return verifySignature(entry.key, helloSigningInput(nonce, hello.clientId), signature);
  }

  /** True when `signature` over `data` verifies under this client's enrolled, unrevoked key. */
  verifySignedBy(clientId: string, data: Uint8Array, signature: Uint8Array): boolean {
    const entry = this.records.get(clientId);
    if (!entry || this.revoked.has(clientId) || signature.length === 0) return false;
    return verifySignature(entry.key, data, signature);
  }

  private remember(record: ClientRecord): void {
    const key = parsePublicKey(record.publicKey, record.algorithm);
    this.records.set(record.clientId, { record, key });
    if (record.revokedAt) this.revoked.add(record.clientId);
    else this.revoked.delete(record.clientId);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.lock.then(task, task);
    this.lock = next.catch(() => undefined);
    return next;
  }
}
