import { type ClientEvent, FederaClient } from '@federa/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startProductionCoordinator } from '../attacks/production.js';
import { federa } from '../cli/run-cli.js';
import { startClient, startServer, tinyData, tinyTopology, waitFor } from '../helpers/federation.js';
import { HandWrittenCoordinator } from './wrong-run-server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const settings = { rounds: 2, clientsPerRound: 5, minClients: 2, roundTimeoutMs: 20_000, batchSize: 4 };

// Issue 12, done-when 1: a client takes part only in the runs it joined.
describe('two runs on one coordinator, clients joined to each', () => {
  it('samples only members in every round; lists members; ends each client with RunEnded', async () => {
    const { server, url } = await startServer({ serving: false });
    cleanup.push(() => server.close());
    const members = { ja: ['a1', 'a2', 'both'], jb: ['b1', 'b2', 'both'] };
    const joined: Record<string, string[]> = {
      a1: ['ja'],
      a2: ['ja'],
      b1: ['jb'],
      b2: ['jb'],
      both: ['ja', 'jb'],
    };
    const clients = await Promise.all(
      Object.entries(joined).map(async ([id, runs], i) => ({
        id,
        ...(await startClient(url, id, tinyData(10 + i, i), { runs })),
      })),
    );
    cleanup.push(() => Promise.all(clients.map((c) => c.client.stop())).then(() => undefined));
    for (const id of ['ja', 'jb'] as const)
      await server.coordinator.createRun({ settings: { ...settings, id }, topology: tinyTopology() });

    const listed = await server.app.inject('/api/runs/ja/clients');
    expect(listed.statusCode).toBe(200);
    const ja = (listed.json() as Array<{ clientId: string; runs: string[] }>).sort((x, y) =>
      x.clientId.localeCompare(y.clientId),
    );
    expect(ja.map((m) => m.clientId)).toEqual(members.ja);
    expect(ja.find((m) => m.clientId === 'both')?.runs.sort()).toEqual(['ja', 'jb']);
    // `federa run status` lists them too (text and --json).
    const env = { FEDERA_URL: url };
    const status = await federa(['run', 'status', 'jb'], { env });
    expect(
      status.stdout
        .split('\n')
        .find((l) => l.startsWith('members: '))
        ?.slice(9)
        .split(', ')
        .sort(),
    ).toEqual(members.jb);
    const asJson = JSON.parse((await federa(['run', 'status', 'jb', '--json'], { env })).stdout);
    expect(asJson.members.map((m: { clientId: string }) => m.clientId).sort()).toEqual(members.jb);
    const unknown = await server.app.inject('/api/runs/nope/clients');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('FEDERA_ERR_RUN_NOT_FOUND');

    await Promise.all(['ja', 'jb'].map((id) => server.coordinator.startRun(id)));
    await Promise.all(['ja', 'jb'].map((id) => server.coordinator.whenIdle(id)));
    for (const id of ['ja', 'jb'] as const) {
      expect((await server.coordinator.getRun(id)).status).toBe('completed');
      const rounds = await server.store.listRounds(id);
      expect(rounds).toHaveLength(2);
      for (const r of rounds) {
        expect(
          r.sampled.every((c) => members[id].includes(c)),
          `${id} sampled ${r.sampled}`,
        ).toBe(true);
        expect(r.participants.every((p) => members[id].includes(p.clientId))).toBe(true);
      }
    }
    // The end of each run reaches its members over the socket; a client with no run left has none.
    const ended = (events: ClientEvent[]) =>
      events.flatMap((e) => (e.type === 'run-ended' ? [`${e.runId}:${e.status}:v${e.finalVersion}`] : []));
    for (const c of clients) {
      await waitFor(() => ended(c.events).length === joined[c.id]!.length);
      expect(ended(c.events).sort()).toEqual(joined[c.id]!.map((r) => `${r}:completed:v2`));
      expect(c.client.runs).toEqual([]);
    }
    expect((await server.app.inject('/api/runs/ja/clients')).json()).toEqual([]);
  });

  it('a member connecting to a run that already ended gets RunEnded at once', async () => {
    const { server, url } = await startServer({ serving: false });
    cleanup.push(() => server.close());
    await server.coordinator.createRun({ settings: { ...settings, id: 'done' }, topology: tinyTopology() });
    await server.coordinator.startRun('done');
    await server.coordinator.stopRun('done');
    const { client, events } = await startClient(url, 'late', tinyData(8), { runs: ['done'] });
    cleanup.push(() => client.stop());
    await waitFor(() => events.some((e) => e.type === 'run-ended'));
    expect(events.find((e) => e.type === 'run-ended')).toMatchObject({ runId: 'done', status: 'stopped' });
    expect(client.runs).toEqual([]);
  });
});

describe('a client refuses what belongs to a run it did not join (defence in depth)', () => {
  it('refuses a forced jb task, evaluation and model with a typed error, tells the sender, and still serves ja', async () => {
    const coordinator = await HandWrittenCoordinator.start();
    cleanup.push(() => coordinator.close());
    const events: ClientEvent[] = [];
    const client = new FederaClient({
      url: coordinator.url,
      clientId: 'a1',
      runs: ['ja'],
      data: tinyData(8),
      onEvent: (e) => events.push(e),
    });
    cleanup.push(() => client.stop());
    await client.start();
    expect((await coordinator.next('hello')).hello.runIds).toEqual(['ja']);

    const task = (runId: string, taskId: string) => ({
      taskId,
      runId,
      round: 1,
      modelVersion: 0,
      modelHash: 'ab'.repeat(32),
      hyperparameters: { localEpochs: 1, batchSize: 4, learningRate: 0.1, extra: {} },
      deadlineUnixMs: Date.now() + 60_000,
      attempt: 0,
    });
    await coordinator.send({ kind: 'task', task: task('jb', 'jb.1.0.x') });
    await coordinator.send({
      kind: 'evaluateTask',
      evaluateTask: {
        taskId: 'jb.eval.0.x',
        runId: 'jb',
        modelVersion: 0,
        modelHash: 'ab'.repeat(32),
        deadlineUnixMs: Date.now() + 60_000,
        batchSize: 0,
      },
    });
    await coordinator.send({
      kind: 'model',
      model: { runId: 'jb', version: 0, hash: 'ab'.repeat(32), topologyJson: '{}', tensors: [] },
    });
    const refusals = [];
    for (let i = 0; i < 3; i++) refusals.push((await coordinator.next('error')).error);
    expect(refusals.map((e) => [e.code, e.ref])).toEqual([
      ['FEDERA_ERR_CLIENT_NOT_MEMBER', 'jb.1.0.x'],
      ['FEDERA_ERR_CLIENT_NOT_MEMBER', 'jb.eval.0.x'],
      ['FEDERA_ERR_CLIENT_NOT_MEMBER', 'jb'],
    ]);
    expect(refusals.every((e) => e.httpStatus === 403 && !e.retryable)).toBe(true);
    expect(events.filter((e) => e.type === 'refused')).toHaveLength(3);
    // Nothing of jb was trained on or asked for.
    expect(events.some((e) => e.type === 'task')).toBe(false);
    expect(coordinator.received.some((b) => b.kind === 'modelRequest')).toBe(false);

    await coordinator.send({ kind: 'task', task: task('ja', 'ja.1.0.x') });
    expect((await coordinator.next('modelRequest')).modelRequest).toEqual({ runId: 'ja', modelVersion: 0 });
  });
});

describe('enrolment scoped to runs (production configuration)', () => {
  it('a client enrolled for ja cannot join jb: typed refusal, audited once per attempt; it joins ja', async () => {
    const prod = await startProductionCoordinator();
    cleanup.push(() => prod.close());
    const key = await prod.enrol('site-a', 'Ed25519', ['ja']);
    expect(
      (await prod.call('researcher', 'POST', '/api/runs', { id: 'ja', topology: tinyTopology(), settings }))
        .status,
    ).toBe(201);
    const join = (runs: string[]) =>
      new FederaClient({
        url: prod.url,
        clientId: 'site-a',
        runs,
        identity: key,
        ca: prod.ca,
        token: prod.tokens.client,
        data: tinyData(8),
      });
    for (const runs of [['jb'], ['ja', 'jb']]) {
      const refused = join(runs);
      cleanup.push(() => refused.stop());
      await expect(refused.start()).rejects.toMatchObject({ code: 'FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED' });
    }
    // Appended as the refusal happens; polled because the append is not awaited by the hello.
    const refusals = async () =>
      (await prod.call('admin', 'GET', '/api/audit?type=client.membership-refused')).body as Array<{
        target: string;
        detail: { runs: string[] };
      }>;
    await waitFor(async () => (await refusals()).length >= 2);
    expect((await refusals()).map((e) => [e.target, e.detail.runs])).toEqual([
      ['site-a', ['jb']],
      ['site-a', ['jb']],
    ]);
    expect(prod.server.coordinator.pool.get('site-a')).toBeUndefined();

    const member = join(['ja']);
    cleanup.push(() => member.stop());
    await member.start();
    const listed = await prod.call('viewer', 'GET', '/api/runs/ja/clients');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([{ clientId: 'site-a', runs: ['ja'], busy: false }]);
  });
});
