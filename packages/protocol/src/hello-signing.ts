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

/**
 * Bytes an enrolled client signs to report feature statistics over REST:
 * utf8 of `JSON.stringify(["federa-v1-feature-stats", runId, clientId, summary])`. The run id
 * stops a report being replayed into another run; a replay into the same run repeats the same
 * report, which the coordinator keeps once. `summary` is the parsed JSON as sent, so both sides
 * serialise the same value to the same text.
 *
 * @example
 * const data = featureStatsSigningInput('diabetes', 'hospital-1', summary);
 */
export function featureStatsSigningInput(
  runId: string,
  clientId: string,
  summary: unknown,
): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(['federa-v1-feature-stats', runId, clientId, summary]));
}
