import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceKey, DeviceKeyAlgorithm } from './device-key.js';
import type { KeyStore } from './key-store.js';

interface KeyFile {
  algorithm: DeviceKeyAlgorithm;
  pkcs8: string;
  spki: string;
}

/**
 * Node-only key store: one JSON file per client id (mode 0600) under `dir`,
 * holding the PKCS#8 private key. Keys are re-imported non-extractable, so
 * nothing in the running process can export them again. Not imported by the
 * browser entry point; import it from this file directly.
 *
 * @example
 * const store = new FileKeyStore('/var/lib/federa/keys');
 * const key = await loadOrCreateDeviceKey(store, 'hospital-1', 'Ed25519', true);
 */
export class FileKeyStore implements KeyStore {
  constructor(private readonly dir: string) {}

  private file(clientId: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(clientId))
      throw new TypeError('unsafe client id for a file name');
    return join(this.dir, `${clientId.replace(/:/g, '_')}.key.json`);
  }

  async load(clientId: string): Promise<DeviceKey | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(clientId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const f = JSON.parse(text) as KeyFile;
    const algorithm =
      f.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
    const privateKey = await globalThis.crypto.subtle.importKey(
      'pkcs8',
      Buffer.from(f.pkcs8, 'base64'),
      algorithm,
      false,
      ['sign'],
    );
    return {
      algorithm: f.algorithm,
      privateKey,
      publicKeySpki: new Uint8Array(Buffer.from(f.spki, 'base64')),
    };
  }

  /** Needs an extractable key (generateDeviceKey(alg, true)); it is written once, owner-readable only. */
  async save(clientId: string, key: DeviceKey): Promise<void> {
    if (!key.privateKey.extractable) {
      throw new TypeError(
        'FileKeyStore needs an extractable key to persist it; generate with extractable = true',
      );
    }
    const pkcs8 = Buffer.from(await globalThis.crypto.subtle.exportKey('pkcs8', key.privateKey));
    const body: KeyFile = {
      algorithm: key.algorithm,
      pkcs8: pkcs8.toString('base64'),
      spki: Buffer.from(key.publicKeySpki).toString('base64'),
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.file(clientId), JSON.stringify(body), { mode: 0o600, flag: 'wx' });
  }
}
