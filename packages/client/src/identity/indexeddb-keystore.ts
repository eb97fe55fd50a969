import type { DeviceKey } from './device-key.js';
import type { KeyStore } from './key-store.js';

const STORE = 'device-keys';

/** Promise of an IDBRequest's result. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Browser key store: each device key lives in IndexedDB as the CryptoKey itself. Structured clone
 * keeps a non-extractable key non-extractable, so page script (an XSS included) can sign with it
 * but never read the private bytes out (WebCrypto §14.3.4). Keys are added once, never replaced:
 * a re-enrolment starts with {@link IndexedDbKeyStore.remove}.
 *
 * @example
 * const store = new IndexedDbKeyStore();
 * const key = await loadOrCreateDeviceKey(store, 'clinic-7'); // non-extractable Ed25519
 * await enrolDevice({ url, token, clientId: 'clinic-7', key });
 */
export class IndexedDbKeyStore implements KeyStore {
  private db: Promise<IDBDatabase> | undefined;

  /** `name` is the IndexedDB database (one per origin); `factory` defaults to the page's indexedDB. */
  constructor(
    private readonly name = 'federa',
    private readonly factory: IDBFactory = globalThis.indexedDB,
  ) {
    if (!factory) throw new TypeError('IndexedDbKeyStore needs IndexedDB (a browser or worker)');
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.db;
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.open()).transaction(STORE, mode).objectStore(STORE);
  }

  async load(clientId: string): Promise<DeviceKey | undefined> {
    const record = (await done((await this.store('readonly')).get(clientId))) as DeviceKey | undefined;
    return record
      ? { algorithm: record.algorithm, privateKey: record.privateKey, publicKeySpki: record.publicKeySpki }
      : undefined;
  }

  /** Refuses an extractable key: generate it with `generateDeviceKey(alg)` (non-extractable). */
  async save(clientId: string, key: DeviceKey): Promise<void> {
    if (key.privateKey.extractable)
      throw new TypeError(
        'IndexedDbKeyStore keeps only non-extractable keys; generate with extractable = false',
      );
    const record: DeviceKey = {
      algorithm: key.algorithm,
      privateKey: key.privateKey,
      publicKeySpki: key.publicKeySpki,
    };
    await done((await this.store('readwrite')).add(record, clientId));
  }

  /** Forget `clientId`'s key (before enrolling a new one). */
  async remove(clientId: string): Promise<void> {
    await done((await this.store('readwrite')).delete(clientId));
  }

  /** Close the database connection. */
  close(): void {
    void this.db?.then((db) => db.close());
    this.db = undefined;
  }
}
