import { featureErrors } from '../features/errors.js';
import type { ClientRegistry } from './client-registry.js';
import { identityErrors } from './errors.js';
import type { IdentityOptions } from './hello-authenticator.js';

/**
 * Admission of a client id named in a REST report (federated feature statistics), by the same rule
 * as the socket hello: a revoked id never, an unknown id only when `identity.required` is false, and
 * an enrolled id only with a signature by its device key over `signedInput` (so a shared `client`
 * token alone cannot report under, or overwrite, an enrolled client's id; issue 11 row 6).
 *
 * @example
 * const check = reporterCheck(registry, { required: true });
 * check('hospital-a', featureStatsSigningInput(runId, 'hospital-a', summary), signature);
 */
export function reporterCheck(
  registry: ClientRegistry,
  options: IdentityOptions | undefined,
): (clientId: string, signedInput: Uint8Array, signature: Uint8Array | undefined) => void {
  const required = options?.required ?? true;
  return (clientId, signedInput, signature) => {
    if (registry.isRevoked(clientId)) throw identityErrors.create('FEDERA_ERR_IDENTITY_REVOKED', clientId);
    const enrolled = registry.isEnrolled(clientId);
    if (required && !enrolled) throw identityErrors.create('FEDERA_ERR_IDENTITY_CLIENT_NOT_FOUND', clientId);
    if (enrolled && !(signature && registry.verifySignedBy(clientId, signedInput, signature))) {
      throw featureErrors.create('FEDERA_ERR_FEATURES_SIGNATURE', clientId);
    }
  };
}
