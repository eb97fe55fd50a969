import type { FederaClient } from '@federa/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tempDir, tinyData, tinyTopology, waitFor } from './helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('coordinator restart', () => {
  it('keeps every committed version and run record, and continues the run with reconnecting clients', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    const first = await startServer({ storePath: dir.path });
    const port = Number(new URL(first.url).port);
    const clients: FederaClient[] = [];
    cleanup.push(async () => {
      await Promise.all(clients.map((c) => c.stop()));
    });
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      clients.push((await startClient(first.url, id, tinyData(12 + i, i), { runs: ['long'] })).client);
    }
    await first.server.coordinator.createRun({
      settings: {
        id: 'long',
        rounds: 5,
        clientsPerRound: 3,
        minClients: 3,
        roundTimeoutMs: 30_000,
        batchSize: 4,
      },
      topology: tinyTopology(),
    });
    let committed = 0;
    first.server.events.on('round-committed', () => committed++);
    await first.server.coordinator.startRun('long');
    await waitFor(() => committed >= 2);
    await first.server.close();

    const before = await (async () => {
      const again = await startServer({ storePath: dir.path, resume: false });
      const versions = await again.server.store.listVersions('long');
      const run = await again.server.coordinator.getRun('long');
      await again.server.close();
      return { versions, run };
    })();
    expect(before.run.status).toBe('running');
    expect(before.versions.length).toBeGreaterThanOrEqual(3);
    expect(before.run.currentVersion).toBe(before.versions.length - 1);

    // Same port: the clients' own reconnect logic finds the new process.
    const second = await startServer({ storePath: dir.path }, port);
    cleanup.push(() => second.server.close());
    await second.server.coordinator.whenIdle('long');
    await waitFor(async () => (await second.server.coordinator.getRun('long')).status === 'completed');
    const run = await second.server.coordinator.getRun('long');
    const versions = await second.server.store.listVersions('long');
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const v of before.versions) {
      expect(versions[v.version]!.hash).toBe(v.hash);
      // Hash-verified read: the bytes still match what was committed.
      await expect(second.server.store.getWeights('long', v.version, run.specs)).resolves.toHaveLength(4);
    }
    const rounds = await second.server.store.listRounds('long');
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rounds.map((r) => r.version)).size).toBe(5);
  });
});
