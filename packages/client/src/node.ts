// Node-only additions to the client SDK (`@federa/client/node`); the main entry stays browser-safe.
export { FileKeyStore, keyFileName } from './identity/node-keystore.js';
export { FilePinStore } from './identity/node-pin-store.js';
