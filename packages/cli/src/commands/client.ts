import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type ClientEvent,
  FederaClient,
  type LocalDataset,
  type TableSchema,
  describeBackend,
  encodeTable,
  fitDataToModel,
  prepareTabularData,
} from '@federa/client';
import { COMMON_HELP, COMMON_OPTIONS, connect, integer, parse, positive } from '../cli/common.js';
import { CliError, UsageError } from '../cli/errors.js';
import { type RunView, TERMINAL } from '../cli/round-table.js';
import { formatOf, readIdx, readTable } from '../data/read-data.js';

export const clientHelp = `federa client join --server URL --run ID --data PATH [options]
Join a run as one data holder (a hospital): your rows never leave this process.
  --run ID             run to join (env FEDERA_RUN, config "run")
  --data PATH          CSV, NDJSON (.ndjson/.jsonl) or IDX images
  --format F           csv | ndjson | idx (default: from the extension)
  --label COL          label column (CSV/NDJSON; default "label")
  --features A,B,..    feature columns (default: every column but the label)
  --categorical A,..   columns to one-hot encode; the rest are standardised
  --labels PATH        IDX label file (with --format idx)
  --classes K          number of classes (IDX; default: the run model's class count)
  --test-data PATH     local test split, same format and columns as --data (IDX: with --test-labels);
                       every new version is scored on it and only the scores are reported, through
                       federated evaluation (a run created with --eval-every N)
  --test-labels PATH   IDX label file of --test-data
  --id NAME            client id (default <hostname>-<pid>)
  --stats-timeout S    seconds to wait for the federated feature statistics (default 300)
For CSV/NDJSON, standardisation and category order come from federated statistics:
each client sends per-feature counts, sums and sums of squares (and category and label
counts) to the coordinator, which returns only their sum once the run's minClients reported.
${COMMON_HELP}`;

/** `federa client join`. */
export async function clientCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(clientHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'join') throw new UsageError(`unknown subcommand 'client ${sub}'. See 'federa client --help'`);
  const { values } = parse(
    rest,
    {
      ...COMMON_OPTIONS,
      run: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      label: { type: 'string', default: 'label' },
      features: { type: 'string' },
      categorical: { type: 'string' },
      labels: { type: 'string' },
      classes: { type: 'string' },
      'test-data': { type: 'string' },
      'test-labels': { type: 'string' },
      id: { type: 'string' },
      'stats-timeout': { type: 'string' },
    },
    'client join',
  );
  if (values.help) {
    console.log(clientHelp);
    return 0;
  }
  if (!values.data) throw new UsageError("client join needs --data PATH. See 'federa client join --help'");
  const { api, config } = connect(values);
  const runId = config.require('run', values.run, 'run id: --run ID');
  const token = config.get('token', values.token);
  const clientId = values.id ?? `${hostname()}-${process.pid}`;
  const json = values.json ?? false;
  let finished = false;
  const log = (event: Record<string, unknown>, text: string) => {
    if (!finished) console.log(json ? JSON.stringify({ clientId, ...event }) : `[${clientId}] ${text}`);
  };

  const run = await api.json<RunView>('GET', `/api/runs/${encodeURIComponent(runId)}`);
  if (TERMINAL.has(run.status)) throw new CliError(`run ${runId} is already ${run.status}; nothing to join`);
  const format = formatOf(values.data, values.format);
  const testPath = values['test-data'];
  if (testPath && formatOf(testPath, values.format) !== format)
    throw new UsageError('--test-data must have the same format as --data');
  // Checked against the run's model before joining: a wrong width or class count is one typed line, not a mid-round crash.
  const fit = (d: LocalDataset) => (run.modelShape ? fitDataToModel(d, run.modelShape) : d);
  let data: LocalDataset;
  let testData: LocalDataset | undefined;
  if (format === 'idx') {
    // Without --classes, fit() widens max label + 1 to the model's class count.
    data = fit(readIdx(values.data, values.labels, integer(values.classes, undefined, 'classes')));
    if (testPath) testData = fit(readIdx(testPath, values['test-labels'], data.numClasses));
  } else {
    const table = readTable(values.data, format);
    const schema: TableSchema = {
      label: values.label,
      ...(values.features ? { features: list(values.features) } : {}),
      ...(values.categorical ? { categorical: list(values.categorical) } : {}),
    };
    const timeoutMs = (positive(values['stats-timeout'], 300, 'stats-timeout') ?? 300) * 1000;
    log(
      { event: 'stats-sending', rows: table.rows.length },
      `sending the feature summary of ${table.rows.length} rows; waiting for the quorum`,
    );
    const prepared = await prepareTabularData(table, schema, {
      url: api.baseUrl,
      runId,
      clientId,
      timeoutMs,
      ...(token ? { token } : {}),
    });
    const { transform } = prepared;
    data = fit(prepared.data);
    // The test split is encoded with the same federated transform and never summarised.
    if (testPath) testData = fit(encodeTable(readTable(testPath, format), transform));
    log(
      { event: 'encoded', inputs: data.featureShape[0], classes: transform.classes, rows: transform.rows },
      `encoded ${data.n} rows as ${data.featureShape[0]} inputs (${prepared.inputNames.join(', ')}); classes ${transform.classes.join(', ')}`,
    );
  }
  const client = new FederaClient({
    url: api.baseUrl,
    clientId,
    data,
    ...(testData ? { testData } : {}),
    ...(token ? { token } : {}),
    onEvent: (e) => describe(e, log),
  });
  await client.start();
  try {
    for (;;) {
      const now = await api.json<RunView>('GET', `/api/runs/${encodeURIComponent(runId)}`);
      if (TERMINAL.has(now.status)) {
        log(
          { event: 'finished', status: now.status, rounds: now.completedRounds },
          `run ${runId} ${now.status} after ${now.completedRounds} rounds`,
        );
        finished = true;
        return now.status === 'completed' ? 0 : 1;
      }
      await delay(500);
    }
  } finally {
    await client.stop();
  }
}

const list = (s: string) =>
  s
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

const metricText = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(4));

function describe(e: ClientEvent, log: (event: Record<string, unknown>, text: string) => void): void {
  const [event, text] = eventLine(e);
  log(event, text);
}

function eventLine(e: ClientEvent): [Record<string, unknown>, string] {
  switch (e.type) {
    case 'connected':
      return [{ event: 'connected' }, 'connected to the coordinator'];
    case 'disconnected':
      return [{ event: 'disconnected', reason: e.reason }, `disconnected (${e.reason}); reconnecting`];
    case 'task':
      return [{ event: 'task', round: e.task.round }, `round ${e.task.round}: training`];
    case 'trained': {
      const loss = e.metrics['train_loss'];
      return [
        { event: 'trained', round: e.task.round, numExamples: e.numExamples, metrics: e.metrics },
        `round ${e.task.round}: trained on ${e.numExamples} examples, train_loss ${loss === undefined ? '-' : loss.toFixed(4)}`,
      ];
    }
    case 'accepted':
      return [{ event: 'accepted' }, 'update accepted'];
    case 'evaluated':
      return [
        { event: 'evaluated', version: e.task.modelVersion, numExamples: e.numExamples, metrics: e.metrics },
        `version ${e.task.modelVersion}: test accuracy ${metricText(e.metrics['accuracy'])} on ${e.numExamples} examples`,
      ];
    case 'refused':
      return [
        { event: 'refused', code: e.error.code, message: e.error.message },
        `refused the task: ${e.error.code}: ${e.error.message}`,
      ];
    case 'backend':
      return [{ event: 'backend', backend: e.backend }, `TF.js backend ${describeBackend(e.backend)}`];
    case 'warning':
      return [{ event: 'warning', code: e.code, message: e.message }, `WARNING ${e.message}`];
    case 'rejected':
      return [
        { event: 'rejected', code: e.error.code },
        `update rejected: ${e.error.code}: ${e.error.message}`,
      ];
    default:
      return [{ event: (e as { type: string }).type }, (e as { type: string }).type];
  }
}
