import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PartitionSpec, describePartition, partitionIndices } from '@federa/core';
import type { LocalDataset } from '@federa/client';
import {
  type FederaServer,
  type RoundRecord,
  type RunSettings,
  buildServer,
  initTfBackend,
  tabularTopology,
} from '@federa/server';
import { CliError } from '../cli/errors.js';
import { type LabelledData, selectRows } from '../data/index.js';
import {
  type SimModel,
  type SimModelName,
  type SimModelOptions,
  mnistTopology,
  simModel,
} from '../models/presets.js';
import { asLocalDataset, heldOutEvaluator } from './evaluator.js';
import type { ByzantineAttack } from './byzantine.js';
import { ClientHosts, sharedCopy } from './client-hosts.js';
import { type SimClientSpec, simClient } from './sim-client.js';

/** A simulation: N in-process clients over real socket.io against a real coordinator. */
export interface SimulationOptions {
  clients: number;
  partition: PartitionSpec;
  seed: number;
  settings: Omit<Partial<RunSettings>, 'id'>;
  /** Store directory, kept; when absent, a fresh temp dir that `server.close()` removes. */
  storePath?: string;
  port?: number;
  host?: string;
  log: (line: string) => void;
  /**
   * The preset model and its data (default `mnist-2nn` on bundled MNIST), varied as `simModel`
   * says (`topology`, `rows`, `dataset`). With `data`, an MNIST preset's model (or `topology`)
   * trains on that data.
   */
  model?: { name: SimModelName } & SimModelOptions;
  /**
   * Worker threads that host the clients (`federa sim --workers`; see `ClientHosts`), one TF.js
   * backend each; 0 (the default) runs them on this thread. Results are the same for any number
   * (same seeds, same backend).
   */
  workers?: number;
  /**
   * Your own dataset (`federa sim --data`, see `loadSimData`) instead of the preset's; the model is
   * `model.topology`, else `model.name`'s preset when `model` is given, else an MLP sized to the
   * data (`hidden` units, 0 = logistic).
   */
  data?: { train: LabelledData; test: LabelledData; describe: string; hidden?: number };
  /** Serve the versions (default true); off, no warmed model versions are held in memory. */
  serving?: boolean;
  /** Called as each round commits (e.g. to sample memory between rounds, to write the metrics so far). */
  onRoundCommitted?: (round: RoundRecord, server: FederaServer) => void;
  /** Robustness experiments: the first `count` clients attack every round. */
  byzantine?: { count: number; attack: ByzantineAttack };
}

export { type ByzantineAttack, signFlipTrainer } from './byzantine.js';

/** What a finished simulation leaves running and reports. */
export interface SimulationResult {
  server: FederaServer;
  url: string;
  runId: string;
  rounds: RoundRecord[];
  /**
   * Process CPU seconds (every thread: coordinator, client hosts, V8's compiler and GC threads) from
   * the previous commit (or the run's start) to each round's commit, by round index. With C cores a
   * round can take no less than this / C: the bound `bench/train.mjs` puts beside the speed-up.
   */
  roundCpuSeconds: number[];
  /** sha256 of every version's weights, by version number (0 = the initial model). */
  hashes: string[];
  finalAccuracy: number;
  stopClients(): Promise<void>;
}

/**
 * Partition the model's data (bundled MNIST by default) among simulated hospitals, start a
 * coordinator and the clients, train for the configured rounds and print a table.
 */
export async function runSimulation(opts: SimulationOptions): Promise<SimulationResult> {
  await initTfBackend(opts.log);
  const { model, test, specs } = shareOut(opts);
  const storePath = opts.storePath ?? (await mkdtemp(join(tmpdir(), 'federa-sim-')));
  const hosts = opts.workers ? new ClientHosts(opts.workers, opts.log) : undefined;
  // With threads, the one copy of the test set they and this thread's fallback read.
  const testSet = hosts ? sharedCopy(asLocalDataset(test)) : asLocalDataset(test);
  const built = await buildServer({
    storePath,
    evaluate: heldOutEvaluator(testSet, hosts),
    ...(opts.serving === false ? { serving: false as const } : {}),
  }).catch(async (err: unknown) => {
    await hosts?.close();
    throw err;
  });
  // A store of our own making goes with the coordinator: 20–40 MB a 2NN run, and repeated
  // simulations had filled /tmp with them (256 stores, 2 GB in a day). `--store DIR` keeps one.
  const server: FederaServer = opts.storePath
    ? built
    : {
        ...built,
        close: async () => {
          await built.close();
          await rm(storePath, { recursive: true, force: true });
        },
      };
  const clients: Clients = { stop: async () => hosts?.close() };
  try {
    const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
    const kept = opts.storePath ? '' : ', removed when the simulation ends; --store DIR keeps one';
    opts.log(`coordinator listening on ${url} (store ${storePath}${kept})`);
    return await simulateOn(server, url, model, { specs, testSet, hosts }, opts, clients);
  } catch (err) {
    // Nothing of a failed simulation stays running (a refused topology left the coordinator
    // listening and the command never exited): the caller gets the error and an idle process.
    await clients.stop().catch(() => undefined);
    await server.close();
    throw err;
  }
}

/** How to stop whichever clients have been started so far. */
interface Clients {
  stop(): Promise<void>;
}

/** Create the run, start the clients (on this thread or client-host threads) and train to the end. */
async function simulateOn(
  server: FederaServer,
  url: string,
  model: Omit<SimModel, 'train' | 'test'>,
  {
    specs,
    testSet,
    hosts,
  }: { specs: SimClientSpec[]; testSet: LocalDataset; hosts: ClientHosts | undefined },
  opts: SimulationOptions,
  clients: Clients,
): Promise<SimulationResult> {
  const runId = `${model.name}-${Date.now().toString(36)}`;
  await server.coordinator.createRun({
    settings: {
      clientsPerRound: opts.clients,
      minClients: Math.max(1, Math.ceil(opts.clients / 2)),
      ...opts.settings,
      id: runId,
    },
    topology: model.topology,
  });
  if (hosts) {
    await hosts.start(url, runId, specs, testSet);
  } else {
    const local = specs.map((spec) => simClient(url, runId, spec));
    clients.stop = async () => {
      await Promise.all(local.map((c) => c.stop()));
    };
    await Promise.all(local.map((c) => c.start()));
  }
  const rounds: RoundRecord[] = [];
  const roundCpuSeconds: number[] = [];
  let cpuBefore = process.cpuUsage();
  opts.log('round  clients  train_loss  test_acc  seconds');
  server.events.on('round-committed', ({ round, durationMs }) => {
    const cpu = process.cpuUsage(cpuBefore);
    cpuBefore = process.cpuUsage();
    roundCpuSeconds.push((cpu.user + cpu.system) / 1e6);
    rounds.push(round);
    opts.onRoundCommitted?.(round, server);
    const m = round.metrics;
    opts.log(
      `${String(round.round).padStart(5)}  ${String(round.participants.length).padStart(7)}  ` +
        `${fmt(m['train_loss'], 10)}  ${fmt(m['test_accuracy'], 8)}  ${(durationMs / 1000).toFixed(1).padStart(7)}`,
    );
  });
  server.events.on('round-failed', ({ round, attempt, code }) => {
    // Silence here would look like a hang: a large model on the full data can outrun the timeout.
    opts.log(
      `round ${round} attempt ${attempt} failed (${code}): too few updates in time? see --round-timeout`,
    );
  });
  // A client lost mid-run costs the round its deadline: say so rather than look idle.
  let training = true;
  server.events.on('client-disconnected', ({ clientId }) => {
    if (training) opts.log(`${clientId} disconnected mid-run (it reconnects by itself)`);
  });
  // Otherwise a round whose updates the coordinator refuses just waits out its deadline in silence.
  server.events.on('update-rejected', ({ clientId, code }) => {
    if (training) opts.log(`${clientId ?? 'a client'}: update rejected (${code})`);
  });
  await server.coordinator.startRun(runId);
  await server.coordinator.whenIdle(runId);
  training = false;
  const run = await server.coordinator.getRun(runId);
  if (run.status !== 'completed') {
    throw new CliError(`run ${runId} ended ${run.status}: ${run.error?.message ?? ''}`);
  }
  const finalAccuracy = rounds.at(-1)?.metrics['test_accuracy'] ?? Number.NaN;
  const hashes: string[] = [];
  for (const v of await server.coordinator.store.listVersions(runId)) hashes[v.version] = v.hash;
  return {
    server,
    url,
    runId,
    rounds,
    roundCpuSeconds,
    hashes,
    finalAccuracy,
    stopClients: () => clients.stop(),
  };
}

/**
 * The model, its test set and each client's share of the training set (partitioned, copied out).
 * The training set itself goes out of scope here, so the coordinator's thread does not hold it for
 * the run: with `--workers` the client-host threads own the shares (mnist-full: 188 MB).
 */
function shareOut(opts: SimulationOptions): {
  model: Omit<SimModel, 'train' | 'test'>;
  test: LabelledData;
  specs: SimClientSpec[];
} {
  const { train, test, ...model } = simulationModel(opts);
  opts.log(`model ${model.name}: ${model.describe}`);
  const parts = partitionIndices(train.y, opts.clients, opts.partition, opts.seed);
  printPartition(train, parts, opts.log);
  const specs = parts.map((rows, i) => ({
    clientId: `hospital-${String(i + 1).padStart(2, '0')}`,
    data: selectRows(train, rows),
    attacker: i < (opts.byzantine?.count ?? 0),
  }));
  return { model, test, specs };
}

/** What trains on what: a preset on its data, or the user's data with a topology, a preset's model or an MLP. */
function simulationModel({ data, model }: SimulationOptions): SimModel {
  if (!data) return simModel(model?.name ?? 'mnist-2nn', model ?? {});
  if (model?.dataset) throw new CliError('--dataset and --data exclude each other');
  if (model?.topology) return dataModel(data, model.topology);
  return dataModel(data, model && presetOnData(model.name), model?.name);
}

/** `--model NAME --data FILE`: an MNIST preset's model on the user's copy of MNIST (784 inputs, 10 classes). */
function presetOnData(name: SimModelName): unknown {
  if (name === 'char-lstm')
    throw new CliError('--model char-lstm trains on its own corpus; with --data, give --topology');
  return mnistTopology(name);
}

/** The model for a `--data` simulation: the given topology, or an MLP / logistic regression sized to the data. */
function dataModel(
  data: NonNullable<SimulationOptions['data']>,
  topology?: unknown,
  name = 'data',
): SimModel {
  const hidden = data.hidden ?? 32;
  const { features: inputs, classes } = data.train;
  return {
    name,
    topology: topology ?? tabularTopology({ kind: hidden > 0 ? 'mlp' : 'logistic', inputs, classes, hidden }),
    train: data.train,
    test: data.test,
    describe: data.describe,
  };
}

function fmt(v: number | undefined, width: number): string {
  return (v === undefined ? '-' : v.toFixed(4)).padStart(width);
}

function printPartition(train: LabelledData, parts: number[][], log: (l: string) => void): void {
  const { sizes, classCounts } = describePartition(train.y, parts, train.classes);
  log(`partitioned ${train.n} training examples among ${parts.length} clients`);
  sizes.forEach((size, i) => {
    const top = classCounts[i]!.map((c, k) => [k, c] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, c]) => `${k}:${c}`)
      .join(' ');
    log(
      `  hospital-${String(i + 1).padStart(2, '0')}  ${String(size).padStart(5)} examples  top classes ${top}`,
    );
  });
}
