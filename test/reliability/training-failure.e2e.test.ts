// A client whose local training throws something that is not a FederaError (a bug, TF.js out of
// memory) used to reject its frame queue: every later frame was skipped, so the client sat connected
// and silent, and each round that sampled it waited for its deadline. Now it refuses that task with
// FEDERA_ERR_CLIENT_TRAINING_FAILED at once and takes the next one.
import { type Trainer, trainLocally } from '@federa/client';
import { initTfBackend } from '@federa/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('local training that throws', () => {
  beforeAll(() => initTfBackend(() => {}));
  it('refuses that task with a typed error, and the client trains the retry', async () => {
    const { server, url } = await startServer({ serving: false });
    stops.push(() => server.close());
    await server.coordinator.createRun({
      settings: {
        id: 'flaky',
        rounds: 1,
        clientsPerRound: 1,
        minClients: 1,
        batchSize: 10,
        roundTimeoutMs: 60_000,
      },
      topology: tinyTopology(),
    });
    let calls = 0;
    const trainer: Trainer = (job) => {
      if (++calls === 1) throw new RangeError('Array buffer allocation failed');
      return trainLocally(job);
    };
    const { client, events } = await startClient(url, 'site-a', tinyData(30), { runs: ['flaky'], trainer });
    stops.push(() => client.stop());
    const started = Date.now();
    await server.coordinator.startRun('flaky');
    await server.coordinator.whenIdle('flaky');
    const refused = events.filter((e) => e.type === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      error: {
        code: 'FEDERA_ERR_CLIENT_TRAINING_FAILED',
        message: expect.stringContaining('RangeError: Array buffer allocation failed'),
        retryable: true,
      },
    });
    expect(calls).toBe(2);
    expect(events.filter((e) => e.type === 'trained')).toHaveLength(1);
    const run = await server.coordinator.getRun('flaky');
    expect(run).toMatchObject({ status: 'completed', completedRounds: 1 });
    // The refusal ended the first attempt, not its 60 s deadline.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
