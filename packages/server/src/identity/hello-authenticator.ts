import type { ClientHello } from '@federa/protocol';
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
 * The gateway's hello check: the device signature first, then any custom
 * `authenticateClient` hook (both must admit).
 *
 * @example
 * attachGateway(io, coordinator, { authenticate: helloAuthenticator(registry, { required: true }) });
 */
export function helloAuthenticator(
  registry: ClientRegistry | undefined,
  options: IdentityOptions | undefined,
  custom?: Authenticate,
): Authenticate {
  const required = options?.required ?? true;
  return async (hello, nonce) => {
    if (registry) {
      const known = registry.isEnrolled(hello.clientId);
      if ((known || required) && !registry.verifyHello(hello, nonce)) return false;
    }
    return custom ? custom(hello, nonce) : true;
  };
}
