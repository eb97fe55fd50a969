import type { DeviceKey } from './device-key.js';

/**
 * Where a device keeps its key between runs: `IndexedDbKeyStore` in browsers (the
 * non-extractable CryptoKey itself), `FileKeyStore` in Node (`@federa/client/node`).
 */
export interface KeyStore {
  load(clientId: string): Promise<DeviceKey | undefined>;
  save(clientId: string, key: DeviceKey): Promise<void>;
}

/**
 * A key store that lives as long as the process: tests and short-lived simulations.
 *
 * @example
 * const store = new MemoryKeyStore();
 * const key = await loadOrCreateDeviceKey(store, 'hospital-1');
 */
export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, DeviceKey>();

  async load(clientId: string): Promise<DeviceKey | undefined> {
    return this.keys.get(clientId);
  }

  async save(clientId: string, key: DeviceKey): Promise<void> {
    this.keys.set(clientId, key);
  }
}
