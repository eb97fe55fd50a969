import { type PartitionSpec, describeStrategies, strategyNames } from '@federa/core';
import { UsageError } from '../cli/errors.js';
import { assertWritablePath, writeWholeFile } from '../cli/files.js';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type FederaServer, metricsCsv, runMetricsTable } from '@federa/server';
import { loadSimData } from '../data/index.js';
import { parseArgs } from 'node:util';
import { SIM_DATASETS, SIM_MODELS, type SimDatasetName, type SimModelName } from '../models/presets.js';
import { runSimulation } from '../sim/simulate.js';

/** Settings of the `npm start` demo: 10 hospitals, Dirichlet(0.5) non-IID, 2NN. */
const DEMO = { clients: 10, alpha: 0.5, rounds: 30, epochs: 2, batch: 20, lr: 0.05 };

export const simHelp = `federa sim [options]
Simulate a federation on bundled data: a coordinator and N clients on this machine.
  --model NAME       ${SIM_MODELS.join(' | ')} (default mnist-2nn); the MNIST
                     ones train on bundled MNIST, char-lstm on a text corpus (docs/training.md)
  --dataset NAME     the MNIST presets' digits: mnist (10,000: 8,000 train / 2,000 test, default)
                     or mnist-full (60,000 / 10,000, the split McMahan et al. 2017 report on)
  --topology FILE    a Keras/TF.js model.json (its modelTopology, or the topology itself) to train
                     instead of the preset's model, on the preset's data
  --workers N        worker threads the clients train on, one TF.js backend each; 0 trains on the
                     coordinator's thread; same results for any N (default: the core count)
  --data PATH        your own dataset instead of the preset's: IDX images (with --labels) or CSV /
                     NDJSON rows (with --label, --categorical, --features as for client join); the
                     same partitioners split it; the model is --topology, else the --model
                     preset given (an MNIST one: e.g. the full MNIST IDX files), else an MLP (--hidden)
  --labels PATH      IDX label file of --data
  --test-data PATH   test split in the same format (IDX: with --test-labels); default: every 5th row
  --test-labels PATH IDX label file of --test-data
  --label COL        label column of CSV / NDJSON data (default "label")
  --categorical A,.. columns to one-hot encode; --features A,B,.. feature columns (default all but label)
  --hidden H         hidden units of the --data MLP; 0 = logistic regression (default 32)
  --metrics-out FILE every round's metrics (federa run metrics) as CSV, or JSON for a .json FILE;
                     rewritten after each round
  --clients N        simulated hospitals (default ${DEMO.clients})
  --rounds N         training rounds (default ${DEMO.rounds})
  --partition KIND   iid | shards | dirichlet (default dirichlet)
  --alpha A          Dirichlet concentration; smaller is more skewed (default ${DEMO.alpha})
  --round-timeout MS how long a round waits for its clients (default 120000)
  --epochs E         local epochs per round (default ${DEMO.epochs})
  --batch B          local batch size (default ${DEMO.batch})
  --lr LR            local learning rate (default ${DEMO.lr})
  --seed S           fixes the partition, initial weights, sampling and client shuffles: the same seed
                     and data give the same version hashes (default 1)
  --store DIR        level store directory, kept (default: a temp dir, removed when the sim ends)
  --port P           coordinator port (default 0: any free port)
  --serve            keep the coordinator up after the last round until Ctrl-C
  --preset demo      the npm start settings (the defaults above)
  --json             progress on stderr, one JSON result object on stdout
  --strategy NAME    aggregation strategy (default fedavg): ${strategyNames.join(', ')}
  --strategy-param K=V  a numeric strategy parameter, repeatable (e.g. --strategy-param f=2)
  --min-clients N    fewest updates a round commits with (default clients/2; robust rules need more)
  --byzantine N      the first N clients are attackers (default 0)
  --attack KIND      signflip: attackers send −10× their true delta (default)
  --secagg           secure aggregation (SecAgg+): the coordinator learns only the sum of updates
                     (default on when the strategy supports it and rounds have >= 3 clients)
  --no-secagg        plain aggregation
  --local-batch-norm FedBN (Li et al. 2021): BatchNormalization layers stay on each client, out of
                     the aggregate (docs/training.md)`;

/** `federa sim`: run a simulation and print a per-round table. */
export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string' },
      model: { type: 'string' },
      dataset: { type: 'string' },
      workers: { type: 'string' },
      topology: { type: 'string' },
      data: { type: 'string' },
      labels: { type: 'string' },
      'test-data': { type: 'string' },
      'test-labels': { type: 'string' },
      label: { type: 'string', default: 'label' },
      categorical: { type: 'string' },
      features: { type: 'string' },
      format: { type: 'string' },
      hidden: { type: 'string' },
      'metrics-out': { type: 'string' },
      rounds: { type: 'string' },
      partition: { type: 'string', default: 'dirichlet' },
      alpha: { type: 'string' },
      epochs: { type: 'string' },
      'round-timeout': { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string', default: '1' },
      store: { type: 'string' },
      port: { type: 'string' },
      serve: { type: 'boolean', default: false },
      preset: { type: 'string' },
      json: { type: 'boolean', default: false },
      strategy: { type: 'string', default: 'fedavg' },
      'strategy-param': { type: 'string', multiple: true, default: [] },
      'min-clients': { type: 'string' },
      byzantine: { type: 'string', default: '0' },
      attack: { type: 'string', default: 'signflip' },
      secagg: { type: 'boolean', default: false },
      'no-secagg': { type: 'boolean', default: false },
      'local-batch-norm': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(simHelp);
    return 0;
  }
  const num = (v: string | undefined, fallback: number, name: string) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const clients = num(values.clients, DEMO.clients, 'clients');
  const partition = partitionSpec(values.partition, num(values.alpha, DEMO.alpha, 'alpha'));
  const secure = secureAggregationOption(values, clients);
  const say = (line: string) => (values.json ? console.error(line) : console.log(line));
  say(`secure aggregation (SecAgg+): ${secure.secureAggregation ? 'on' : 'off'}`);
  const name = modelName(values.model ?? 'mnist-2nn');
  // No --model: the default preset, or with --data an MLP sized to the data.
  const dataset = values.dataset === undefined ? undefined : datasetName(values.dataset);
  if (dataset && values.data) throw new UsageError('--dataset and --data exclude each other');
  const model = values.topology
    ? { name, topology: await readTopology(values.topology), dataset }
    : values.model || dataset
      ? { name, dataset }
      : undefined;
  const data = values.data ? simData(values) : undefined;
  const metricsOut = values['metrics-out'];
  // Found out before training, not after the first round (or the thirtieth).
  if (metricsOut) assertWritablePath(metricsOut, '--metrics-out');
  // Rewritten after every round, so a long run can be plotted while it trains and a stopped one keeps its curve.
  let metricsWritten = Promise.resolve();
  let metricsFailed = false;
  const started = Date.now();
  const result = await runSimulation({
    clients,
    ...(model ? { model } : {}),
    workers: workerCount(values.workers),
    ...(data ? { data } : {}),
    partition,
    seed: num(values.seed, 1, 'seed'),
    settings: {
      rounds: num(values.rounds, DEMO.rounds, 'rounds'),
      localEpochs: num(values.epochs, DEMO.epochs, 'epochs'),
      batchSize: num(values.batch, DEMO.batch, 'batch'),
      learningRate: num(values.lr, DEMO.lr, 'lr'),
      seed: values.seed,
      strategy: strategyConfig(values.strategy, values['strategy-param']),
      ...(values['round-timeout']
        ? { roundTimeoutMs: num(values['round-timeout'], 1, 'round-timeout') }
        : {}),
      ...(values['min-clients'] ? { minClients: num(values['min-clients'], 1, 'min-clients') } : {}),
      ...(values['local-batch-norm'] ? { localBatchNorm: true } : {}),
      ...secure,
    },
    ...byzantineOption(values.byzantine, values.attack),
    ...(values.store ? { storePath: values.store } : {}),
    ...(values.port ? { port: num(values.port, 0, 'port') } : {}),
    log: (line) => (values.json ? console.error(line) : console.log(line)),
    ...(metricsOut
      ? {
          onRoundCommitted: (round, server) => {
            metricsWritten = metricsWritten
              .then(() => writeMetrics(server, round.runId, metricsOut))
              // A write lost mid-run (disk full, directory removed) is said once; training goes on and
              // the last write below decides the exit code.
              .catch((err: Error) => {
                if (!metricsFailed) say(`federa: ${err.message}; training goes on`);
                metricsFailed = true;
              });
          },
        }
      : {}),
  });
  const seconds = (Date.now() - started) / 1000;
  if (metricsOut) {
    await metricsWritten;
    try {
      await writeMetrics(result.server, result.runId, metricsOut); // with the last version's federated evaluation
    } catch (err) {
      await result.stopClients();
      await result.server.close();
      throw err;
    }
  }
  if (values.json) {
    const rounds = result.rounds.map((r, i) => ({
      round: r.round,
      clients: r.participants.length,
      seconds: (r.endedAt - r.startedAt) / 1000,
      cpuSeconds: result.roundCpuSeconds[i],
      hash: result.hashes[r.version],
      metrics: r.metrics,
    }));
    console.log(
      JSON.stringify({
        runId: result.runId,
        url: result.url,
        finalAccuracy: result.finalAccuracy,
        initialHash: result.hashes[0],
        seconds,
        rounds,
      }),
    );
  } else {
    console.log(`final test accuracy: ${result.finalAccuracy.toFixed(4)}`);
    console.log(`total time: ${seconds.toFixed(1)} s`);
  }
  await result.stopClients();
  if (!values.serve) {
    await result.server.close();
    return 0;
  }
  // The last version is what the federation learned: label it stable so apps can call it.
  const latest = (await result.server.coordinator.getRun(result.runId)).currentVersion;
  await result.server.app.serving.registry.setLabel(result.runId, 'stable', latest, 'promote', 'federa sim');
  const m = `${result.url}/v1/models/${result.runId}`;
  console.log(`coordinator still serving at ${result.url}`);
  console.log(`  runs:      ${result.url}/api/runs`);
  console.log(`  versions:  ${result.url}/api/runs/${result.runId}/versions`);
  console.log(
    `  predict:   curl -s -X POST '${m}/labels/stable:predict' -d '{"instances":[[...784 pixels]]}'`,
  );
  console.log(
    `  TF.js:     tf.loadLayersModel('${result.url}/models/${result.runId}/labels/stable/model.json')`,
  );
  console.log(`  metrics:   ${result.url}/metrics`);
  console.log('press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nstopping coordinator');
  await result.server.close();
  return 0;
}

function workerCount(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--workers must be an integer ≥ 0, got ${value}`);
  return n;
}

function modelName(name: string): SimModelName {
  if ((SIM_MODELS as readonly string[]).includes(name)) return name as SimModelName;
  throw new UsageError(`--model must be one of ${SIM_MODELS.join(', ')}, got ${name}`);
}

function datasetName(name: string): SimDatasetName {
  if ((SIM_DATASETS as readonly string[]).includes(name)) return name as SimDatasetName;
  throw new UsageError(`--dataset must be one of ${SIM_DATASETS.join(', ')}, got ${name}`);
}

/** A model.json as TF.js writes it (`{ modelTopology, weightsManifest }`) or a bare topology. */
async function readTopology(path: string): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--topology ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const topology = json && typeof json === 'object' && 'modelTopology' in json ? json.modelTopology : json;
  if (!topology || typeof topology !== 'object' || !('class_name' in topology))
    throw new UsageError(`--topology ${path}: not a Keras/TF.js model topology (no class_name)`);
  return topology;
}

/** `--data` and its companions as a loaded train/test split. */
function simData(values: Record<string, string | boolean | string[] | undefined>) {
  const s = (k: string) => values[k] as string | undefined;
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean);
  const hidden = s('hidden') === undefined ? 32 : Number(s('hidden'));
  if (!Number.isInteger(hidden) || hidden < 0)
    throw new UsageError(`--hidden must be an integer ≥ 0, got ${s('hidden')}`);
  const categorical = list(s('categorical'));
  const features = list(s('features'));
  const loaded = loadSimData({
    data: s('data')!,
    labels: s('labels'),
    testData: s('test-data'),
    testLabels: s('test-labels'),
    format: s('format'),
    schema: {
      label: s('label')!,
      ...(categorical ? { categorical } : {}),
      ...(features ? { features } : {}),
    },
  });
  return { ...loaded, hidden };
}

/** `--metrics-out FILE`: the run's metrics table, JSON for a .json file, else CSV; replaced whole (rename). */
async function writeMetrics(server: FederaServer, runId: string, path: string): Promise<void> {
  const { coordinator } = server;
  const table = runMetricsTable(
    await coordinator.store.listRounds(runId),
    await coordinator.evaluations.list(runId),
  );
  const text = path.endsWith('.json')
    ? `${JSON.stringify({ runId, ...table }, null, 2)}\n`
    : metricsCsv(table);
  writeWholeFile(path, text);
}

function strategyConfig(name: string, params: string[]): { name: string } & Record<string, unknown> {
  const config: { name: string } & Record<string, unknown> = { name };
  for (const param of params) {
    const [key, value] = param.split('=');
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n))
      throw new UsageError(`--strategy-param must be KEY=NUMBER, got ${param}`);
    config[key] = n;
  }
  return config;
}

function byzantineOption(count: string, attack: string) {
  const n = Number(count);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--byzantine must be an integer ≥ 0, got ${count}`);
  if (attack !== 'signflip') throw new UsageError(`--attack must be signflip, got ${attack}`);
  return n === 0 ? {} : { byzantine: { count: n, attack: 'signflip' as const } };
}

function partitionSpec(kind: string | undefined, alpha: number): PartitionSpec {
  if (kind === 'iid') return { kind: 'iid' };
  if (kind === 'shards') return { kind: 'shards', shardsPerClient: 2 };
  if (kind === 'dirichlet') return { kind: 'dirichlet', alpha };
  throw new UsageError(`--partition must be iid, shards or dirichlet, got ${kind}`);
}

export { UsageError };

/**
 * `--secagg` / `--no-secagg`: SecAgg+ with parameters derived from each round's sample. On by default
 * when the strategy works on the weighted mean (docs/strategies.md) and rounds have at least 3 clients.
 * Stages wait up to 30 s: simulated clients share this process's CPU with training.
 */
function secureAggregationOption(
  values: { secagg: boolean; 'no-secagg': boolean; strategy: string; 'min-clients'?: string | undefined },
  clients: number,
): { secureAggregation?: { stageTimeoutMs: number } } {
  if (values.secagg && values['no-secagg'])
    throw new UsageError('--secagg and --no-secagg exclude each other');
  if (values['no-secagg']) return {};
  const minClients = values['min-clients'] ? Number(values['min-clients']) : Math.ceil(clients / 2);
  const supported = describeStrategies().some(
    (s) => s.name === values.strategy && s.supports.secureAggregation,
  );
  // SecAgg+ needs rounds of at least 3 clients (core's secagg/params.ts: with two, each learns the
  // other's update from the sum). Said in the flags' terms, not as the coordinator's "got 1", which is
  // the round minimum, not the clients asked for.
  if (values.secagg && minClients < 3)
    throw new UsageError(
      `--secagg needs rounds of at least 3 clients, but --min-clients is ${minClients}` +
        `${values['min-clients'] ? '' : ` (half of --clients ${clients}, rounded up)`}; raise --min-clients or --clients`,
    );
  if (!values.secagg && !(supported && minClients >= 3)) return {};
  return { secureAggregation: { stageTimeoutMs: 30_000 } };
}
