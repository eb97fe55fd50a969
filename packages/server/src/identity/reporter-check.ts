import type { ClientRegistry } from './client-registry.js';
import { identityErrors } from './errors.js';
import type { IdentityOptions } from './hello-authenticator.js';

/**
 * Admission of a client id named in a REST report (federated feature statistics), by the same rule
 * as the socket hello: a revoked id never, an unknown id only when `identity.required` is false.
 * REST carries no device signature, so this checks the id, not possession of its key.
 *
 * @example
 * const check = reporterCheck(registry, { required: true });
 * check('hospital-a'); // throws FEDERA_ERR_IDENTITY_REVOKED once hospital-a is revoked
 */
export function reporterCheck(
  registry: ClientRegistry,
  options: IdentityOptions | undefined,
): (clientId: string) => void {
  const required = options?.required ?? true;
  return (clientId) => {
    if (registry.isRevoked(clientId)) throw identityErrors.create('FEDERA_ERR_IDENTITY_REVOKED', clientId);
    if (required && !registry.isEnrolled(clientId)) {
      throw identityErrors.create('FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND', clientId);
    }
  };
}
