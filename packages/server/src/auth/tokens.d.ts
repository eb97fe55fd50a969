/** Roles a bearer token can carry. `admin` passes every role check. */
export type Role = 'admin' | 'researcher' | 'viewer' | 'inference';
export declare const ROLES: readonly Role[];
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
export declare function hashToken(token: string): string;
/**
 * Only hashes are kept in memory. Lookup compares against every entry with
 * timingSafeEqual and never exits early, so timing reveals neither which
 * entry matched nor how many digest bytes were right.
 *
 * @example
 * const set = new TokenSet([{ token: 'dev-admin', role: 'admin' }]);
 * set.lookup('dev-admin'); // { role: 'admin', tokenId: '…' }
 */
export declare class TokenSet {
    private readonly entries;
    constructor(tokens: readonly TokenConfig[]);
    get size(): number;
    lookup(token: string): Principal | undefined;
}
