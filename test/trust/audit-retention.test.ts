import { AuditLog, type AuditRetention, FederaStore, buildServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../helpers/federation.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const actor = { role: 'admin', tokenId: 'abcd1234' };
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

/** A level store in a temp dir holding `entries` appended without retention (`at` given or now). */
async function storeWith(entries: Array<{ type: string; at?: string }>): Promise<string> {
  const dir = await tempDir('federa-audit-');
  cleanup.push(dir.remove);
  const store = await FederaStore.open(dir.path);
  const log = await AuditLog.open(store);
  for (const e of entries) await log.append({ actor, ...e });
  await log.close();
  await store.close();
  return dir.path;
}

/** Reopen the store with `retention`, counting level write events (batches) from here on. */
async function reopen(path: string, retention: AuditRetention) {
  const store = await FederaStore.open(path);
  const writes: Array<Array<{ type: string }>> = [];
  store.db.on('write', (ops: Array<{ type: string }>) => writes.push(ops));
  const log = await AuditLog.open(store, retention);
  const close = async () => {
    await log.close();
    await store.close();
  };
  cleanup.push(close);
  return { log, writes, close };
}

const numbered = (n: number) => Array.from({ length: n }, () => ({ type: 'run.start' }));

describe('audit log retention', () => {
  it('at open, keeps at most maxEntries (its own prune entry included) in one batch', async () => {
    const path = await storeWith(numbered(10));
    const { log, writes } = await reopen(path, { maxEntries: 4 });
    const left = await log.query({ limit: 1000 });
    expect(left.map((e) => e.seq)).toEqual([8, 9, 10, 11]);
    expect(left.at(-1)).toMatchObject({
      type: 'audit.prune',
      actor: { system: 'coordinator' },
      detail: { removed: 7, removedThrough: 7, maxEntries: 4 },
    });
    // One level batch: seven deletions and the prune entry together.
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((op) => op.type)).toEqual([...Array(7).fill('del'), 'put']);

    for (let i = 0; i < 3; i++) await log.append({ type: 'run.stop', actor });
    expect(await log.prune()).toBe(4);
    expect((await log.query({ limit: 1000 })).map((e) => e.seq)).toEqual([12, 13, 14, 15]);
  });

  it('removes entries older than maxAgeMs, oldest first, and writes nothing when none are', async () => {
    const path = await storeWith([
      { type: 'run.create', at: daysAgo(40) },
      { type: 'run.start', at: daysAgo(31) },
      { type: 'run.stop', at: daysAgo(29) },
      { type: 'label.promote' },
    ]);
    const { log, writes } = await reopen(path, { maxAgeMs: 30 * DAY });
    const left = await log.query({ limit: 1000 });
    expect(left.map((e) => [e.seq, e.type])).toEqual([
      [3, 'run.stop'],
      [4, 'label.promote'],
      [5, 'audit.prune'],
    ]);
    expect(left[2]!.detail).toEqual({ removed: 2, removedThrough: 2, maxAgeMs: 30 * DAY });
    expect(await log.prune()).toBe(0);
    expect(writes).toHaveLength(1);
    expect((await log.query({ type: 'audit.prune' })).map((e) => e.seq)).toEqual([5]);
  });

  it('applies both limits together, and sequence numbers continue after a reopen', async () => {
    const path = await storeWith([...Array(3).fill({ type: 'old', at: daysAgo(10) }), ...numbered(3)]);
    // maxEntries alone would remove 2, maxAgeMs alone 3: the larger prefix goes.
    const first = await reopen(path, { maxAgeMs: DAY, maxEntries: 5 });
    expect((await first.log.query()).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    await first.close();
    const reopened = await reopen(path, {});
    expect((await reopened.log.append({ type: 'run.create', actor })).seq).toBe(8);
  });

  it('runs on its schedule after open', async () => {
    const path = await storeWith([]);
    const { log } = await reopen(path, { maxEntries: 3, intervalMs: 20 });
    for (let i = 0; i < 6; i++) await log.append({ type: 'run.start', actor });
    await waitFor(async () => (await log.query({ type: 'audit.prune' })).length > 0);
    const prune = (await log.query({ type: 'audit.prune' }))[0]!;
    expect(prune.detail).toMatchObject({ removed: 4, maxEntries: 3 });
  });

  it('refuses limits that are not positive with FEDERA_ERR_AUDIT_RETENTION_INVALID, before opening the store', async () => {
    const path = await storeWith([]);
    const bad: AuditRetention[] = [
      { maxEntries: 0 },
      { maxEntries: 2.5 },
      { maxAgeMs: -1 },
      { maxAgeMs: Number.NaN },
      { maxEntries: 3, intervalMs: 0 },
      { maxEntries: 3, intervalMs: 2 ** 31 },
    ];
    for (const auditRetention of bad) {
      await expect(
        buildServer({ storePath: path, auditRetention }),
        JSON.stringify(auditRetention),
      ).rejects.toMatchObject({
        code: 'FEDERA_ERR_AUDIT_RETENTION_INVALID',
      });
    }
    // No lock left behind: the same store opens.
    const server = await buildServer({ storePath: path, serving: false, auditRetention: { maxEntries: 3 } });
    await server.close();
  });

  it('is a buildServer option: the prune shows in GET /api/audit', async () => {
    const path = await storeWith(numbered(5));
    const server = await buildServer({ storePath: path, serving: false, auditRetention: { maxEntries: 2 } });
    cleanup.push(() => server.close());
    const url = await server.listen(0, '127.0.0.1');
    const entries = (await (await fetch(`${url}/api/audit`)).json()) as Array<{ seq: number; type: string }>;
    expect(entries.map((e) => [e.seq, e.type])).toEqual([
      [5, 'run.start'],
      [6, 'audit.prune'],
    ]);
  });
});
