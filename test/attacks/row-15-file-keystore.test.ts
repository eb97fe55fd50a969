import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDeviceKey, loadOrCreateDeviceKey } from '@federa/client';
import { FileKeyStore, keyFileName } from '@federa/client/node';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/federation.js';

// Issue 11 row 15: FileKeyStore mapped ids `a:b` and `a_b` to one file, so load('a_b') returned
// a:b's key; an existing 0777 key directory was used as it was.

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function dir(): Promise<string> {
  const d = await tempDir('federa-row15-');
  cleanup.push(d.remove);
  return d.path;
}

describe('row 15: FileKeyStore', () => {
  it('gives distinct ids distinct files, also on a case-insensitive file system', async () => {
    const ids = ['a:b', 'a_b', 'a_3ab', 'A-b', 'a-b', 'x@y', 'site-1'];
    const names = ids.map(keyFileName);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(ids.length);
    expect(keyFileName('site-1')).toBe('site-1.key.json');
    const path = await dir();
    const store = new FileKeyStore(path);
    const keys = await Promise.all(ids.map((id) => loadOrCreateDeviceKey(store, id, 'Ed25519', true)));
    expect(await readdir(path)).toHaveLength(ids.length);
    for (const [i, id] of ids.entries()) {
      const reloaded = await new FileKeyStore(path).load(id);
      expect(reloaded?.publicKeySpki, id).toEqual(keys[i]!.publicKeySpki);
    }
  });

  it('tightens a key directory readable by others to 0700', async () => {
    const path = join(await dir(), 'keys');
    await mkdir(path, { mode: 0o755 });
    await chmod(path, 0o755);
    await new FileKeyStore(path).save('site-1', await generateDeviceKey('Ed25519', true));
    expect((await stat(path)).mode & 0o777).toBe(0o700);
  });

  it('refuses a key directory writable by others (0777) with a typed error, writing nothing', async () => {
    const path = join(await dir(), 'keys');
    await mkdir(path);
    await chmod(path, 0o777);
    const store = new FileKeyStore(path);
    await expect(store.save('site-1', await generateDeviceKey('Ed25519', true))).rejects.toMatchObject({
      code: 'FEDERA_ERR_KEYSTORE_INSECURE',
    });
    await expect(store.load('site-1')).rejects.toMatchObject({ code: 'FEDERA_ERR_KEYSTORE_INSECURE' });
    expect(await readdir(path)).toEqual([]);
    expect((await stat(path)).mode & 0o777).toBe(0o777);
  });
});
