import { stat } from 'node:fs/promises';
import { generateDeviceKey, loadOrCreateDeviceKey, signChallenge, toBase64 } from '@federa/client';
import { helloSigningInput } from '@federa/protocol';
import { parsePublicKey, verifySignature } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '@federa/client/node';
import { tempDir } from '../helpers/federation.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('FileKeyStore (Node)', () => {
  for (const algorithm of ['Ed25519', 'ECDSA-P256'] as const) {
    it(`${algorithm}: persists a device key owner-only and reloads it non-extractable and still valid`, async () => {
      const dir = await tempDir();
      cleanup.push(dir.remove);
      const created = await loadOrCreateDeviceKey(new FileKeyStore(dir.path), 'site-1', algorithm, true);
      const reloaded = await loadOrCreateDeviceKey(new FileKeyStore(dir.path), 'site-1', algorithm, true);
      expect(reloaded.privateKey.extractable).toBe(false);
      expect(reloaded.publicKeySpki).toEqual(created.publicKeySpki);
      expect((await stat(`${dir.path}/site-1.key.json`)).mode & 0o777).toBe(0o600);
      const nonce = globalThis.crypto.getRandomValues(new Uint8Array(32));
      const pk = parsePublicKey(toBase64(created.publicKeySpki), algorithm);
      const sig = await signChallenge(reloaded, nonce, 'site-1');
      expect(verifySignature(pk, helloSigningInput(nonce, 'site-1'), sig)).toBe(true);
    });
  }

  it('refuses keys it cannot persist, unsafe ids, and never overwrites a stored key', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    const store = new FileKeyStore(dir.path);
    await expect(store.save('site-1', await generateDeviceKey('Ed25519'))).rejects.toThrow(TypeError);
    await expect(store.load('../etc/passwd')).rejects.toThrow(TypeError);
    await store.save('site-2', await generateDeviceKey('Ed25519', true));
    await expect(store.save('site-2', await generateDeviceKey('Ed25519', true))).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await store.load('nobody')).toBeUndefined();
  });
});
