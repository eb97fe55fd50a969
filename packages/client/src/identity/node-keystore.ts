import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIENT_ID_PATTERN } from '@federa/protocol';
import type { DeviceKey, DeviceKeyAlgorithm } from './device-key.js';
import type { KeyStore } from './key-store.js';
import { keyStoreErrors } from './keystore-errors.js';

interface KeyFile {
  algorithm: DeviceKeyAlgorithm;
  pkcs8: string;
  spki: string;
}

/**
 * A file name for a client id that no other id shares, even on a case-insensitive file system:
 * lowercase letters, digits, `.` and `-` stay, every other character (`_`, `:`, `@`, uppercase)
 * becomes `_` and its two hex digits. `site-1` → `site-1`, `a:b` → `a_3ab`, `a_b` → `a_5fb`.
 */
export function keyFileName(clientId: string): string {
  if (!CLIENT_ID_PATTERN.test(clientId)) throw new TypeError('unsafe client id for a file name');
  return `${clientId.replace(/[^a-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.key.json`;
}

/**
 * Node-only key store: one JSON file per client id (mode 0600) under `dir`,
 * holding the PKCS#8 private key; distinct ids always get distinct files
 * ({@link keyFileName}). The directory must be the user's own: one readable by
 * others is tightened to 0700, one writable by others or owned by another user
 * is refused with FEDERA_ERR_KEYSTORE_INSECURE (another user could swap keys).
 * Keys are re-imported non-extractable, so nothing in the running process can
 * export them again. Not imported by the browser entry point; import it from
 * `@federa/client/node`.
 *
 * @example
 * const store = new FileKeyStore('/var/lib/federa/keys');
 * const key = await loadOrCreateDeviceKey(store, 'hospital-1', 'Ed25519', true);
 */
export class FileKeyStore implements KeyStore {
  constructor(private readonly dir: string) {}

  private file(clientId: string): string {
    return join(this.dir, keyFileName(clientId));
  }

  /** The directory is ours and closed to others, or made so, or refused. */
  private async checkDir(): Promise<boolean> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const uid = process.getuid?.();
    if ((uid !== undefined && info.uid !== uid) || (info.mode & 0o022) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw keyStoreErrors.create(
        'FEDERA_ERR_KEYSTORE_INSECURE',
        `${this.dir} (mode ${mode}, uid ${info.uid})`,
      );
    }
    if ((info.mode & 0o077) !== 0) await chmod(this.dir, 0o700);
    return true;
  }

  async load(clientId: string): Promise<DeviceKey | undefined> {
    const file = this.file(clientId);
    if (!(await this.checkDir())) return undefined;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
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
    const file = this.file(clientId);
    if (!(await this.checkDir())) await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(body), { mode: 0o600, flag: 'wx' });
  }
}
