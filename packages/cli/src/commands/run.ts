import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { COMMON_HELP, COMMON_OPTIONS, connect, integer, parse, positive } from '../cli/common.js';
import { CliError, UsageError } from '../cli/errors.js';
import type { Api } from '../cli/http.js';
import { assertWritablePath, writeWholeFile } from '../cli/files.js';
import { emit, table } from '../cli/output.js';
import { LiveBlock, type RunView, TERMINAL, roundTable } from '../cli/round-table.js';

export const runHelp = `federa run <create|start|stop|status|watch|list> [options]
  run create --id ID (--model logistic|mlp|mnist-2nn --inputs N --classes K [--hidden H] | --topology FILE
             | --model logistic|mlp --inputs auto [--hidden H])
             [--rounds N --clients-per-round N --min-clients N --epochs E --batch B --lr LR
              --strategy NAME --round-timeout MS --secure-aggregation --seed S --settings FILE.json
              --max-examples N (default 100000) --max-update-norm L2 (default 100)]
             --seed S fixes initial weights, client sampling and minibatch shuffles (reproducible runs)
             --local-batch-norm  FedBN (Li et al. 2021): BatchNormalization layers stay on each client
             --eval-every N  federated evaluation after every N-th round on the clients' --test-data
             (all idle clients asked, at least --min-clients answers; shown as fed_test_acc)
  run start ID        start or continue a run
  run stop ID         stop a running run
  run status ID       status, per-round metrics and connected members
  run watch ID        live round table until the run ends (--interval SECONDS, default 1;
                      --metrics-out FILE keeps every round's metrics in FILE as it trains: CSV, or JSON for .json)
  run list            all runs
  run metrics ID      every round's metrics as --format csv|json (default csv), to stdout or --out FILE
${COMMON_HELP}`;

const SETTING_FLAGS = {
  rounds: 'rounds',
  'clients-per-round': 'clientsPerRound',
  'min-clients': 'minClients',
  epochs: 'localEpochs',
  batch: 'batchSize',
  'round-timeout': 'roundTimeoutMs',
  'max-examples': 'maxExamplesPerClient',
} as const;

/** `federa run ...`. */
export async function runCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(runHelp);
    return sub === undefined ? 2 : 0;
  }
  const { values, positionals } = parse(
    rest,
    {
      ...COMMON_OPTIONS,
      id: { type: 'string' },
      model: { type: 'string' },
      inputs: { type: 'string' },
      classes: { type: 'string' },
      hidden: { type: 'string' },
      topology: { type: 'string' },
      settings: { type: 'string' },
      strategy: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      'max-update-norm': { type: 'string' },
      'eval-every': { type: 'string' },
      interval: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'metrics-out': { type: 'string' },
      'secure-aggregation': { type: 'boolean', default: false },
      'local-batch-norm': { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(SETTING_FLAGS).map((k) => [k, { type: 'string' as const }])),
    },
    `run ${sub}`,
    1,
  );
  if (values.help) {
    console.log(runHelp);
    return 0;
  }
  const { api, config } = connect(values);
  const json = values.json ?? false;
  const idArg = () => config.require('run', positionals[0], `run id: 'federa run ${sub} ID'`);
  const flags = values as unknown as Record<string, string | undefined>;
  switch (sub) {
    case 'create': {
      const id = values.id ?? positionals[0];
      if (!id) throw new UsageError("run create needs --id ID. See 'federa run --help'");
      const settings: Record<string, unknown> = values.settings ? readJson(values.settings) : {};
      for (const [flag, key] of Object.entries(SETTING_FLAGS)) {
        const v = integer(flags[flag], undefined, flag);
        if (v !== undefined) settings[key] = v;
      }
      const lr = positive(values.lr, undefined, 'lr');
      if (lr !== undefined) settings['learningRate'] = lr;
      const norm = positive(flags['max-update-norm'], undefined, 'max-update-norm');
      if (norm !== undefined) settings['maxUpdateNorm'] = norm;
      if (values.strategy) settings['strategy'] = { name: values.strategy };
      if (values.seed !== undefined) settings['seed'] = values.seed;
      const every = integer(values['eval-every'], undefined, 'eval-every');
      if (every !== undefined) {
        const minClients = (settings['minClients'] as number | undefined) ?? 2;
        settings['evaluation'] = { every, fraction: 1, minClients };
      }
      // SecAgg+ with parameters derived from the sample size (Bell et al. 2020); tune via --settings.
      if (values['secure-aggregation']) settings['secureAggregation'] ??= {};
      if (values['local-batch-norm']) settings['localBatchNorm'] = true;
      // --inputs auto: the coordinator builds the model when the run's feature statistics freeze.
      const auto = values.inputs === 'auto';
      if (auto && values.model !== 'logistic' && values.model !== 'mlp') {
        throw new UsageError('--inputs auto needs --model logistic or --model mlp');
      }
      const model = auto
        ? {
            tabular: {
              kind: values.model,
              ...(values.hidden ? { hidden: integer(values.hidden, 16, 'hidden') } : {}),
            },
          }
        : { topology: await topologyFrom(values) };
      const run = await api.json<RunView>('POST', '/api/runs', { id, ...model, settings });
      emit(
        json,
        run,
        () =>
          `created run ${run.settings.id} (${run.settings.rounds} rounds, ${run.settings.strategy.name})` +
          (auto ? '; its model waits for the feature statistics of --min-clients clients' : ''),
      );
      return 0;
    }
    case 'start':
    case 'stop': {
      const run = await api.json<RunView>('POST', `/api/runs/${encodeURIComponent(idArg())}/${sub}`);
      emit(json, run, () => `run ${run.settings.id}: ${run.status}`);
      return 0;
    }
    case 'status': {
      const path = `/api/runs/${encodeURIComponent(idArg())}`;
      const run = await api.json<RunView>('GET', path);
      // Connected members (clients whose hello joined the run); absent on coordinators without the route.
      const res = await api.request('GET', `${path}/clients`, undefined, true);
      const members = res.ok ? ((await res.json()) as Array<{ clientId: string; busy: boolean }>) : [];
      const memberLine = members.map((m) => `${m.clientId}${m.busy ? ' (busy)' : ''}`).join(', ');
      emit(json, { ...run, members }, () => [
        ...roundTable(run),
        ...(members.length ? [`members: ${memberLine}`] : []),
      ]);
      return 0;
    }
    case 'list': {
      const runs = await api.json<RunView[]>('GET', '/api/runs');
      emit(json, runs, () =>
        runs.length === 0
          ? 'no runs'
          : table(
              ['id', 'status', 'rounds', 'version', 'strategy'],
              runs.map((r) => [
                r.settings.id,
                r.status,
                `${r.completedRounds}/${r.settings.rounds}`,
                r.currentVersion,
                r.settings.strategy.name,
              ]),
            ),
      );
      return 0;
    }
    case 'metrics': {
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json')
        throw new UsageError(`--format must be csv or json, got ${format}`);
      const text = await metricsText(api, idArg(), format);
      if (values.out) writeWholeFile(values.out, text);
      else process.stdout.write(text);
      return 0;
    }
    case 'watch': {
      const id = idArg();
      const intervalMs = (positive(values.interval, 1, 'interval') ?? 1) * 1000;
      const metricsOut = values['metrics-out'];
      if (metricsOut) assertWritablePath(metricsOut, '--metrics-out');
      const live = new LiveBlock(json ? false : undefined);
      let writtenAt = -1;
      for (;;) {
        const run = await api.json<RunView>('GET', `/api/runs/${encodeURIComponent(id)}`);
        if (!json) live.draw(roundTable(run));
        const ended = TERMINAL.has(run.status);
        // Rewritten when a round commits (and at the end, for the last federated evaluation), so a
        // plot of the file follows the run as `federa sim --metrics-out` does.
        if (metricsOut && (run.completedRounds !== writtenAt || ended)) {
          const format = metricsOut.endsWith('.json') ? 'json' : 'csv';
          writeWholeFile(metricsOut, await metricsText(api, id, format));
          writtenAt = run.completedRounds;
        }
        if (ended) {
          if (json) emit(true, run, () => '');
          return run.status === 'failed' ? 1 : 0;
        }
        await delay(intervalMs);
      }
    }
    default:
      throw new UsageError(`unknown subcommand 'run ${sub}'. See 'federa run --help'`);
  }
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`${path} is not valid JSON`);
  }
}

async function topologyFrom(values: {
  model?: string;
  inputs?: string;
  classes?: string;
  hidden?: string;
  topology?: string;
}) {
  if (values.topology) {
    const file = readJson(values.topology);
    return (file['modelTopology'] as object | undefined) ?? file;
  }
  if (values.model === 'logistic' || values.model === 'mlp' || values.model === 'mnist-2nn') {
    await (await import('@federa/server')).initTfBackend(() => {});
  }
  if (values.model === 'mnist-2nn') return (await import('../models/mnist-2nn.js')).mnist2nnTopology();
  if (values.model !== 'logistic' && values.model !== 'mlp') {
    throw new UsageError(
      "run create needs --model logistic|mlp|mnist-2nn or --topology FILE. See 'federa run --help'",
    );
  }
  const inputs = integer(values.inputs, undefined, 'inputs');
  const classes = integer(values.classes, undefined, 'classes');
  if (!inputs || !classes) {
    throw new UsageError(`--model ${values.model} needs --inputs N and --classes K, or --inputs auto`);
  }
  const { tabularTopology } = await import('@federa/server');
  return tabularTopology({
    kind: values.model,
    inputs,
    classes,
    hidden: integer(values.hidden, 16, 'hidden')!,
  });
}

/** `GET /api/runs/:id/metrics` as the file `run metrics` and `run watch --metrics-out` write. */
async function metricsText(api: Api, runId: string, format: 'csv' | 'json'): Promise<string> {
  const res = await api.request('GET', `/api/runs/${encodeURIComponent(runId)}/metrics?format=${format}`);
  return format === 'csv' ? res.text() : `${JSON.stringify(await res.json(), null, 2)}\n`;
}
