const CONTEXT = new TextEncoder().encode('federa-v1-hello');

/** Key algorithms a device may enrol with, as named in ClientHello.credentials.keyAlgorithm. */
export type KeyAlgorithm = 'Ed25519' | 'ECDSA-P256';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['Ed25519', 'ECDSA-P256'];

/**
 * Bytes a client signs to answer a challenge: `"federa-v1-hello" || nonce || utf8(clientId)`.
 * The fixed context and the session's fresh nonce stop a signature being replayed in
 * another session or reused for another purpose (Bonawitz et al. 2017 use the same
 * bind-to-session idea for their signed key adverts, §6.1). Keep in step with
 * packages/client/src/identity/hello-signing.ts (test/trust checks both agree).
 *
 * @example
 * const data = helloSigningInput(challenge.nonce, 'hospital-1');
 */
export function helloSigningInput(nonce: Uint8Array, clientId: string): Uint8Array {
  const id = new TextEncoder().encode(clientId);
  const out = new Uint8Array(CONTEXT.length + nonce.length + id.length);
  out.set(CONTEXT, 0);
  out.set(nonce, CONTEXT.length);
  out.set(id, CONTEXT.length + nonce.length);
  return out;
}
