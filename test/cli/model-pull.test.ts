import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { startClient, tempDir, tinyData, tinyTopology } from '../helpers/federation.js';
import { federa } from './run-cli.js';

const ADMIN = 'pull-admin-token';

describe('federa model pull NAME (docs/cli.md)', () => {
  let server: FullServer;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startFullServer({ tokens: [{ token: ADMIN, role: 'admin' }] });
    out = await tempDir('federa-pull-');
    env = { FEDERA_URL: server.url, FEDERA_TOKEN: ADMIN };
    const { client } = await startClient(server.url, 'puller', tinyData(12), {
      runs: ['pull'],
      token: ADMIN,
    });
    try {
      await server.coordinator.createRun({
        settings: { id: 'pull', rounds: 1, clientsPerRound: 1, minClients: 1, batchSize: 4 },
        topology: tinyTopology(),
      });
      await server.coordinator.startRun('pull');
      await server.coordinator.whenIdle('pull');
    } finally {
      await client.stop();
    }
  });
  afterAll(async () => {
    await server?.close();
    await out?.remove();
  });

  it('with no flags pulls the latest version and says so, although no production label exists', async () => {
    const dir = join(out.path, 'latest');
    const r = await federa(['model', 'pull', 'pull', '--out', dir], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^saved pull v1 \(the latest version\) to /);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
  });

  it('an --out it cannot create fails with one line naming it, not a stack trace', async () => {
    const file = join(out.path, 'a-file');
    await writeFile(file, 'not a directory');
    const r = await federa(['model', 'pull', 'pull', '--out', join(file, 'below')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`federa: cannot create ${join(file, 'below')}: ENOTDIR\n`);
  });

  it('--label still picks a label, and a missing one fails with one line naming it', async () => {
    const missing = await federa(['model', 'pull', 'pull', '--label', 'production', '--out', out.path], {
      env,
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/pull@production/);
    expect((await federa(['model', 'promote', 'pull', '0'], { env })).code).toBe(0);
    const r = await federa(
      ['model', 'pull', 'pull', '--label', 'production', '--out', join(out.path, 'p'), '--json'],
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'pull', version: 0 });
  });
});
