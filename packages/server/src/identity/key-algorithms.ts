/** Key algorithms a device may enrol with, as named in ClientHello.credentials.keyAlgorithm. */
export type KeyAlgorithm = 'Ed25519' | 'ECDSA-P256';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['Ed25519', 'ECDSA-P256'];
