import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Roles a bearer token can carry. `admin` passes every role check; `client` is a data holder
 * (reads runs and reports federated feature statistics, nothing else).
 */
export type Role = 'admin' | 'researcher' | 'viewer' | 'inference' | 'client';

export const ROLES: readonly Role[] = ['admin', 'researcher', 'viewer', 'inference', 'client'];

/** One configured token: give the plaintext `token` or, better, its `sha256` hex digest. */
export interface TokenConfig {
  token?: string;
  sha256?: string;
  role: Role;
}

/** Who made a request, as established by its bearer token. */
export interface Principal {
  role: Role;
  /** First 8 hex digits of the token's hash: loggable, not reversible. */
  tokenId: string;
}

/** Hex sha256 of a token, as stored in configuration. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Only hashes are kept in memory. Lookup compares against every entry with
 * timingSafeEqual and never exits early, so timing reveals neither which
 * entry matched nor how many digest bytes were right.
 *
 * @example
 * const set = new TokenSet([{ token: 'dev-admin', role: 'admin' }]);
 * set.lookup('dev-admin'); // { role: 'admin', tokenId: '…' }
 */
export class TokenSet {
  private readonly entries: Array<{ digest: Buffer; role: Role; tokenId: string }>;

  constructor(tokens: readonly TokenConfig[]) {
    this.entries = tokens.map((t, i) => {
      if (!ROLES.includes(t.role)) throw new TypeError(`tokens[${i}]: unknown role ${String(t.role)}`);
      const hex = t.sha256?.toLowerCase() ?? (t.token !== undefined ? hashToken(t.token) : undefined);
      if (!hex || !/^[0-9a-f]{64}$/.test(hex)) {
        throw new TypeError(`tokens[${i}]: give a non-empty token or a 64-hex-digit sha256`);
      }
      return { digest: Buffer.from(hex, 'hex'), role: t.role, tokenId: hex.slice(0, 8) };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  lookup(token: string): Principal | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.digest) && !found) found = { role: e.role, tokenId: e.tokenId };
    }
    return found;
  }
}
