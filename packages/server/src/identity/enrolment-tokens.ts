import { createHash, randomBytes } from 'node:crypto';
import type { FederaStore } from '../store/store.js';
import { identityErrors } from './errors.js';

/** What is stored for an enrolment token: never the token itself, only its hash as the key. */
export interface EnrolmentTokenRecord {
  /** First 8 hex digits of the token's sha256: loggable, not reversible. */
  tokenId: string;
  createdAt: string;
  /** Principal id (token id of the admin's bearer) that issued it. */
  createdBy: string;
  /** When set, only this client id may enrol with it (and may re-enrol). */
  clientId?: string;
  /** When set, a client enrolled with it may join only these runs (issue 12). */
  runs?: string[];
  expiresAt?: string;
  usedAt?: string;
  usedBy?: string;
}

/** A freshly issued token: the plaintext is returned once and never stored. */
export interface IssuedEnrolmentToken extends EnrolmentTokenRecord {
  token: string;
}

interface TokenSub {
  get(key: string): Promise<EnrolmentTokenRecord | undefined>;
  put(key: string, value: EnrolmentTokenRecord): Promise<void>;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * One-time enrolment tokens, stored by sha256 in the `enrolment-tokens` sublevel.
 * Tokens carry 256 random bits, so a hash lookup is as safe as a constant-time compare.
 *
 * @example
 * const issued = await tokens.issue({ createdBy: 'ab12cd34', clientId: 'hospital-1' });
 * const record = await tokens.check(issued.token, 'hospital-1');
 */
export class EnrolmentTokens {
  private readonly sub: TokenSub;

  constructor(store: FederaStore) {
    this.sub = store.db.sublevel<string, EnrolmentTokenRecord>('enrolment-tokens', {
      valueEncoding: 'json',
    }) as unknown as TokenSub;
  }

  async issue(opts: {
    createdBy: string;
    clientId?: string;
    runs?: string[];
    ttlMs?: number;
    now?: number;
  }): Promise<IssuedEnrolmentToken> {
    const now = opts.now ?? Date.now();
    const token = `fet_${randomBytes(32).toString('base64url')}`;
    const hash = digest(token);
    const record: EnrolmentTokenRecord = {
      tokenId: hash.slice(0, 8),
      createdAt: new Date(now).toISOString(),
      createdBy: opts.createdBy,
      ...(opts.clientId !== undefined ? { clientId: opts.clientId } : {}),
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
      ...(opts.ttlMs !== undefined ? { expiresAt: new Date(now + opts.ttlMs).toISOString() } : {}),
    };
    await this.sub.put(hash, record);
    return { ...record, token };
  }

  /** The token's record if `clientId` may enrol with it now; throws a typed error otherwise. */
  async check(token: string, clientId: string, now = Date.now()): Promise<EnrolmentTokenRecord> {
    const record = await this.sub.get(digest(token));
    if (!record) throw identityErrors.create('FEDERA_ERR_IDENTITY_TOKEN_INVALID');
    if (record.usedAt) throw identityErrors.create('FEDERA_ERR_IDENTITY_TOKEN_USED');
    if (record.expiresAt && Date.parse(record.expiresAt) <= now) {
      throw identityErrors.create('FEDERA_ERR_IDENTITY_TOKEN_INVALID');
    }
    if (record.clientId !== undefined && record.clientId !== clientId) {
      throw identityErrors.create('FEDERA_ERR_IDENTITY_CLIENT_MISMATCH');
    }
    return record;
  }

  /** A batch operation marking the token used, to commit atomically with the client record. */
  consumeOp(token: string, record: EnrolmentTokenRecord, clientId: string, now = Date.now()): object {
    const value = { ...record, usedAt: new Date(now).toISOString(), usedBy: clientId };
    return { type: 'put', sublevel: this.sub, key: digest(token), value };
  }
}
