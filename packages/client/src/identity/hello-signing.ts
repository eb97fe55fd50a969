const CONTEXT = new TextEncoder().encode('federa-v1-hello');

/**
 * Bytes signed to answer a coordinator challenge: `"federa-v1-hello" || nonce || utf8(clientId)`.
 * Binding the session nonce and the id stops replay into another session.
 * Mirrors packages/server/src/identity/hello-signing.ts (test/trust checks both agree).
 *
 * @example
 * const data = helloSigningInput(challenge.nonce, 'hospital-1');
 */
export function helloSigningInput(nonce: Uint8Array, clientId: string): Uint8Array<ArrayBuffer> {
  const id = new TextEncoder().encode(clientId);
  const out = new Uint8Array(CONTEXT.length + nonce.length + id.length);
  out.set(CONTEXT, 0);
  out.set(nonce, CONTEXT.length);
  out.set(id, CONTEXT.length + nonce.length);
  return out;
}
