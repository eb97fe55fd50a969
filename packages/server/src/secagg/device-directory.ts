import type { DevicePublicKey } from '@federa/core';
import type { ClientRegistry } from '../identity/client-registry.js';
import { verifySignature } from '../identity/public-key.js';

/**
 * The device registry as secure aggregation sees it: the enrolled key of each
 * unrevoked client, relayed in the rosters so clients can check their
 * neighbours' signed adverts (malicious-server mode, docs/security.md).
 */
export interface DeviceDirectory {
  /** True when the coordinator admits only enrolled, signing clients (`identity.required`). */
  readonly required: boolean;
  keyOf(clientId: string): DevicePublicKey | undefined;
  /** Verify a client's signature with its enrolled key; false for unknown or revoked clients. */
  verify(clientId: string, data: Uint8Array, signature: Uint8Array): boolean;
}

/** The directory over the coordinator's {@link ClientRegistry}. */
export function registryDirectory(registry: ClientRegistry, required: boolean): DeviceDirectory {
  return {
    required,
    keyOf(clientId) {
      const key = registry.activeKey(clientId);
      return key && { algorithm: key.algorithm, spki: new Uint8Array(key.spki) };
    },
    verify(clientId, data, signature) {
      const key = registry.activeKey(clientId);
      return key !== undefined && verifySignature(key, data, signature);
    },
  };
}
