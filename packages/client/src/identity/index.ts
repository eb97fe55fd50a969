export {
  type DeviceKey,
  type DeviceKeyAlgorithm,
  generateDeviceKey,
  helloCredentials,
  type SignedCredentials,
  signChallenge,
  signWithDeviceKey,
  toBase64,
} from './device-key.js';
export { type EnrolOptions, enrolDevice, loadOrCreateDeviceKey } from './enrol.js';
export { featureStatsSigningInput, helloSigningInput } from '@federa/protocol';
export { type KeyStore, MemoryKeyStore } from './key-store.js';
export { IndexedDbKeyStore } from './indexeddb-keystore.js';
