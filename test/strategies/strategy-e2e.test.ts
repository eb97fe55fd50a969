import { type TrainingJob, trainLocally } from '@federa/client';
import {
  type ClientUpdate,
  type StrategyConfig,
  type StrategyState,
  type TensorSpec,
  type Weights,
  createStrategy,
} from '@federa/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

interface Captured {
  round: number;
  update: ClientUpdate;
  learningRate: number;
}

/** Run `strategy` for 3 rounds over 4 real clients; return the captured deltas and committed weights. */
async function federate(strategy: StrategyConfig) {
  const { server, url } = await startServer();
  const captured: Captured[] = [];
  let round = 0;
  server.events.on('round-started', (info) => {
    round = info.round;
  });
  const recording = (clientId: string) => async (job: TrainingJob) => {
    const result = await trainLocally(job);
    const update = { clientId, numExamples: result.numExamples, delta: result.delta, metrics: {} };
    captured.push({ round, update, learningRate: job.learningRate });
    return result;
  };
  const sizes = [9, 15, 21, 12];
  const clients = await Promise.all(
    sizes.map((n, i) =>
      startClient(url, `c${i}`, tinyData(n, i), { runs: ['strat'], trainer: recording(`c${i}`) }),
    ),
  );
  cleanup.push(async () => {
    await Promise.all(clients.map((c) => c.client.stop()));
    await server.close();
  });
  const settings = {
    rounds: 3,
    clientsPerRound: 4,
    minClients: 4,
    localEpochs: 2,
    batchSize: 4,
    learningRate: 0.2,
  };
  await server.coordinator.createRun({
    settings: { ...settings, id: 'strat', strategy },
    topology: tinyTopology(),
  });
  await server.coordinator.startRun('strat');
  await server.coordinator.whenIdle('strat');
  const run = await server.coordinator.getRun('strat');
  expect(run.status).toBe('completed');
  const versions: Weights[] = [];
  for (let v = 0; v <= 3; v++) versions.push(await server.store.getWeights('strat', v, run.specs));
  return { run, captured, versions };
}

/** The strategy applied by hand, round by round, to the captured client deltas. */
function replay(
  config: StrategyConfig,
  run: { specs: readonly TensorSpec[] },
  captured: Captured[],
  v0: Weights,
) {
  const strategy = createStrategy(config);
  let weights = v0;
  let state: StrategyState = {};
  const out: Weights[] = [v0];
  for (let r = 1; r <= 3; r++) {
    const aggregator = strategy.createAggregator(run.specs);
    for (const c of captured.filter((x) => x.round === r)) aggregator.add(c.update);
    expect(aggregator.count).toBe(4);
    ({ weights, state } = strategy.applyDelta(weights, aggregator.finish(), state));
    out.push(weights);
  }
  return out;
}

// Issue 4, done-when 1 (end to end): a non-default strategy through the real coordinator commits
// exactly what the strategy computes from the clients' deltas.
describe('non-default strategies through the real coordinator', () => {
  it.each<[string, StrategyConfig]>([
    ['fedadam', { name: 'fedadam', serverLearningRate: 0.05, clientLearningRate: 0.07 }],
    ['fedmedian', { name: 'fedmedian' }],
  ])('%s: committed versions equal the strategy replayed on the captured deltas', async (_name, config) => {
    const { run, captured, versions } = await federate(config);
    const expected = replay(config, run, captured, versions[0]!);
    for (let v = 1; v <= 3; v++) {
      versions[v]!.forEach((tensor, t) => {
        tensor.forEach((value, j) => {
          expect(value).toBeCloseTo(expected[v]![t]![j]!, 5);
        });
      });
      // The strategy moved the model (a replay that ignored the deltas could not match this).
      expect(versions[v]!.some((t, i) => t.some((x, j) => x !== versions[v - 1]![i]![j]))).toBe(true);
    }
    // FedAdam's clientConfig fixes η_l (extra.learning_rate); others train with the run's rate.
    const rates = new Set(captured.map((c) => c.learningRate));
    expect([...rates]).toEqual([config.name === 'fedadam' ? 0.07 : 0.2]);
  });
});
