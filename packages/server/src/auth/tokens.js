import { createHash, timingSafeEqual } from 'node:crypto';
export const ROLES = ['admin', 'researcher', 'viewer', 'inference'];
/** Hex sha256 of a token, as stored in configuration. */
export function hashToken(token) {
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
    entries;
    constructor(tokens) {
        this.entries = tokens.map((t, i) => {
            if (!ROLES.includes(t.role))
                throw new TypeError(`tokens[${i}]: unknown role ${String(t.role)}`);
            const hex = t.sha256?.toLowerCase() ?? (t.token !== undefined ? hashToken(t.token) : undefined);
            if (!hex || !/^[0-9a-f]{64}$/.test(hex)) {
                throw new TypeError(`tokens[${i}]: give a non-empty token or a 64-hex-digit sha256`);
            }
            return { digest: Buffer.from(hex, 'hex'), role: t.role, tokenId: hex.slice(0, 8) };
        });
    }
    get size() {
        return this.entries.length;
    }
    lookup(token) {
        const presented = createHash('sha256').update(token, 'utf8').digest();
        let found;
        for (const e of this.entries) {
            if (timingSafeEqual(presented, e.digest) && !found)
                found = { role: e.role, tokenId: e.tokenId };
        }
        return found;
    }
}
//# sourceMappingURL=tokens.js.map