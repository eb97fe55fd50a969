/** Random hex id from the crypto source (task and session ids must not be guessable). */
export function randomId(bytes = 8): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
