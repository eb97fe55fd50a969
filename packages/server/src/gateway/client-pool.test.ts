import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../identity/client-registry.js';
import { FederaStore } from '../store/store.js';
import { ClientPool, type ConnectedClient } from './client-pool.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function registryWith(ids: string[]): Promise<ClientRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'federa-pool-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const store = await FederaStore.open(dir);
  cleanup.push(() => store.close());
  // No event bus: nothing closes a revoked session, so only the pool's own filter is at work.
  const registry = await ClientRegistry.open(store);
  for (const clientId of ids) {
    const spki = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const { token } = await registry.tokens.issue({ createdBy: 'test', clientId });
    await registry.enrol({ token, clientId, publicKey: spki.toString('base64'), algorithm: 'Ed25519' });
  }
  return registry;
}

/** A registered session of run `r` (and `runs`); the pool only reads its id and runs. */
const session = (clientId: string, runs = ['r']): ConnectedClient => ({
  clientId,
  runs: new Set(runs),
  send: async () => {},
  close() {},
});

describe('ClientPool', () => {
  it('never offers a revoked client for sampling, even while its session is still registered', async () => {
    const registry = await registryWith(['a', 'b', 'c']);
    const pool = new ClientPool((id) => registry.isRevoked(id));
    for (const id of ['a', 'b', 'c']) pool.add(session(id));
    expect(pool.idle('r').sort()).toEqual(['a', 'b', 'c']);

    await registry.revoke('b', 'test');
    expect(pool.get('b')).toBeDefined();
    expect(pool.connectedCount).toBe(3);
    expect(pool.idle('r').sort()).toEqual(['a', 'c']);
    pool.markBusy(['a']);
    pool.markIdle(['a', 'b']);
    expect(pool.idle('r').sort()).toEqual(['a', 'c']);

    // waitForIdle counts only sampleable clients: three connected are not three idle.
    const abort = new AbortController();
    let settled = false;
    const waiting = pool.waitForIdle('r', 3, abort.signal).then(() => {
      settled = true;
    });
    pool.markIdle([]);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    abort.abort();
    await waiting;
  });

  it('offers a run only its own members', () => {
    const pool = new ClientPool();
    pool.add(session('a', ['ja']));
    pool.add(session('b', ['jb']));
    pool.add(session('both', ['ja', 'jb']));
    pool.add(session('none', []));
    expect(pool.idle('ja').sort()).toEqual(['a', 'both']);
    expect(pool.idle('jb').sort()).toEqual(['b', 'both']);
    pool.markBusy(['both']);
    expect(pool.idle('jb')).toEqual(['b']);
    expect(
      pool
        .members('jb')
        .map((c) => c.clientId)
        .sort(),
    ).toEqual(['b', 'both']);
  });
});
