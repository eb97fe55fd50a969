import type { ClientHello } from '@federa/protocol';
import type { TokenSet } from '../auth/index.js';
import type { ClientRegistry } from './client-registry.js';

/** `buildServer({ identity })`: device-key authentication of socket clients. */
export interface IdentityOptions {
  /**
   * Admit only enrolled, unrevoked clients whose hello signs this session's
   * nonce. When false, unknown client ids are still admitted (migration mode),
   * but an enrolled id must prove its key and a revoked one is refused.
   * Default true.
   */
  required?: boolean;
  /** Enrolment attempts allowed per IP per minute. Default 10. */
  enrolPerMinute?: number;
}

type Authenticate = (hello: ClientHello, nonce: Uint8Array) => Promise<boolean>;

/**
 * The gateway's verdict on a hello. `provesId`: the hello showed it is that client (a device
 * signature, the application's own `authenticateClient`, or dev mode where nothing is checked),
 * so it may replace a session already open under the id; a shared bearer token admits, but
 * proves no id, and never displaces one.
 */
export type HelloVerdict = { admitted: false } | { admitted: true; provesId: boolean };

/**
 * The gateway's hello check, the socket twin of the REST bearer gate: with a registry, the
 * device signature (required for enrolled ids, and for every id when `required`); with tokens
 * configured, a hello that is not signed must carry a `client` (or `admin`) token in
 * `credentials.token`; then any custom `authenticateClient` hook (all must admit).
 *
 * @example
 * attachGateway(io, coordinator, { authenticate: helloAuthenticator(registry, { required: true }, tokens) });
 */
export function helloAuthenticator(
  registry: ClientRegistry | undefined,
  options: IdentityOptions | undefined,
  tokens?: TokenSet,
  custom?: Authenticate,
): (hello: ClientHello, nonce: Uint8Array) => Promise<HelloVerdict> {
  const required = options?.required ?? true;
  const refused = { admitted: false } as const;
  return async (hello, nonce) => {
    let signed = false;
    if (registry && (required || registry.isEnrolled(hello.clientId))) {
      if (!registry.verifyHello(hello, nonce)) return refused;
      signed = true;
    }
    const tokensOn = (tokens?.size ?? 0) > 0;
    if (tokensOn && !signed) {
      const role = hello.credentials.token ? tokens?.lookup(hello.credentials.token)?.role : undefined;
      if (role !== 'client' && role !== 'admin') return refused;
    }
    if (custom && !(await custom(hello, nonce))) return refused;
    return { admitted: true, provesId: signed || custom !== undefined || (!tokensOn && !registry) };
  };
}
