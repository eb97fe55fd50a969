const CONTEXT = new TextEncoder().encode('federa-v1-hello');

/**
 * Bytes an enrolled client signs to answer a Challenge:
 * `"federa-v1-hello" || nonce || utf8(clientId)`. The fixed context and the
 * session's fresh nonce stop a signature being replayed in another session or
 * reused for another purpose (the bind-to-session idea of Bonawitz et al.
 * 2017, §6.1). Part of the wire contract: client and coordinator both use this.
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
