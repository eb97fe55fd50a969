import { hostname } from 'node:os';
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
import { FilePinStore } from '@federa/client/node';
import { COMMON_HELP, COMMON_OPTIONS, connect, integer, parse, positive } from '../cli/common.js';
import { CliError, UsageError } from '../cli/errors.js';
import { type RunView, TERMINAL } from '../cli/round-table.js';
import { type ReachState, reachableFetch, untilReachable } from '../cli/transient.js';
import { formatOf, readIdx, readTable } from '../data/read-data.js';
import { KEY_DIR_OPTION, enrolCommand, enrolHelp, loadEnrolledKey } from './client-identity.js';

export const clientHelp = `federa client join --server URL --run ID --data PATH [options]
Join a run as one data holder (a hospital): your rows never leave this process, and they
train only the runs named here. Exits 0 once every joined run ended (or on SIGTERM/SIGINT).
  --run ID[,ID..]      run(s) to join; repeatable (env FEDERA_RUN, config "run")
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
  --id NAME            client id (default <hostname>-<pid>; with --key-dir, the enrolled id)
  --key-dir DIR        device key from 'federa client enrol' (env FEDERA_KEY_DIR, config "keyDir"):
                       signs the hello and the feature-statistics report (identity required)
  --stats-timeout S    seconds to wait for the federated feature statistics (default 300)
  --give-up-after S    stop (exit 1) once the coordinator was unreachable this long
                       (env FEDERA_GIVE_UP_AFTER, config "giveUpAfter"; default 600; 0 never)
SecAgg+ policy (docs/security.md, "Against a malicious coordinator"):
  --pin-file FILE      neighbours' device-key fingerprints pinned at first sight are kept in FILE,
                       so a coordinator cannot swap a device's key when this process restarts
  --require-malicious-server
                       refuse SecAgg+ rounds not run in the malicious-server mode
                       (FEDERA_ERR_SECAGG_THREAT_DOWNGRADE, before any key is sent)
  --min-inputs N       never reveal shares for a sum of fewer than N inputs
An unreachable or restarting coordinator is retried with capped exponential backoff and
jitter; each change (disconnected, retrying, reconnected) is printed once.
For CSV/NDJSON, standardisation and category order come from federated statistics:
each client sends per-feature counts, sums and sums of squares (and category and label
counts) to the coordinator, which returns only their sum once the run's minClients reported.
${COMMON_HELP}

${enrolHelp}`;

/** `federa client join` and `federa client enrol`. */
export async function clientCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(clientHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'enrol') return enrolCommand(rest);
  if (sub !== 'join') throw new UsageError(`unknown subcommand 'client ${sub}'. See 'federa client --help'`);
  const { values } = parse(
    rest,
    {
      ...COMMON_OPTIONS,
      run: { type: 'string', multiple: true },
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
      'give-up-after': { type: 'string' },
      ...KEY_DIR_OPTION,
      'pin-file': { type: 'string' },
      'require-malicious-server': { type: 'boolean' },
      'min-inputs': { type: 'string' },
    },
    'client join',
  );
  if (values.help) {
    console.log(clientHelp);
    return 0;
  }
  if (!values.data) throw new UsageError("client join needs --data PATH. See 'federa client join --help'");
  const { api, config } = connect(values);
  const runIds = [...new Set(list(config.require('run', values.run?.join(','), 'run id: --run ID')))];
  const token = config.get('token', values.token);
  const clientId = values.id ?? `${hostname()}-${process.pid}`;
  const identity = await loadEnrolledKey(config, values['key-dir'], values.id);
  const giveUpAfterMs = seconds(config.get('giveUpAfter', values['give-up-after'])!, 'give-up-after') * 1000;
  const json = values.json ?? false;
  const minInputs = integer(values['min-inputs'], undefined, 'min-inputs');
  const pins = values['pin-file'] ? await FilePinStore.open(values['pin-file']) : undefined;
  let finished = false;
  const log = (event: Record<string, unknown>, text: string) => {
    if (!finished) console.log(json ? JSON.stringify({ clientId, ...event }) : `[${clientId}] ${text}`);
  };
  // Every REST call rides out a restarting coordinator like the socket does (issue 17).
  const fetch = reachableFetch({
    url: api.baseUrl,
    giveUpAfterMs,
    onState: (state) => logReach(state, log),
  });
  const reachable = <T>(call: () => Promise<T>) =>
    untilReachable(call, { url: api.baseUrl, giveUpAfterMs, onState: (state) => logReach(state, log) });
  const runs = await Promise.all(
    runIds.map((id) => reachable(() => api.json<RunView>('GET', `/api/runs/${encodeURIComponent(id)}`))),
  );
  for (const r of runs)
    if (TERMINAL.has(r.status))
      throw new CliError(`run ${r.settings.id} is already ${r.status}; nothing to join`);
  // One data set for every joined run: they must expect the same model input.
  const run = runs[0]!;
  if (runs.some((r) => JSON.stringify(r.modelShape) !== JSON.stringify(run.modelShape)))
    throw new UsageError('the joined runs have different model shapes; join them from separate processes');

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
    const [runId] = runIds as [string];
    if (runIds.length > 1)
      throw new UsageError('CSV/NDJSON data is standardised per run: join one run per process');
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
      fetch,
      ...(token ? { token } : {}),
      ...(identity ? { identity } : {}),
    });
    const { transform } = prepared;
    data = fit(prepared.data);
    // The test split is encoded with the same federated transform and never summarised.
    if (testPath) testData = fit(encodeTable(readTable(testPath, format), transform));
    log(
      {
        event: 'encoded',
        inputs: data.featureShape[0],
        inputNames: prepared.inputNames,
        classes: transform.classes,
        rows: transform.rows,
      },
      `encoded ${data.n} rows as ${data.featureShape[0]} inputs (${prepared.inputNames.join(', ')}); classes ${transform.classes.join(', ')}`,
    );
  }
  // The end comes over the socket (RunEnded), never by polling: exit 0 once every joined run ended.
  let finish!: (code: number) => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<number>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let welcomedBefore = false;
  const client: FederaClient = new FederaClient({
    url: api.baseUrl,
    clientId,
    runs: runIds,
    data,
    ...(testData ? { testData } : {}),
    giveUpAfterMs,
    ...(token ? { token } : {}),
    ...(identity ? { identity } : {}),
    secureAggregation: {
      ...(values['require-malicious-server'] ? { requireMaliciousServerMode: true } : {}),
      ...(minInputs !== undefined ? { minInputs } : {}),
      ...(pins ? { pins } : {}),
    },
    onEvent: (e) => {
      if (e.type === 'connected' && welcomedBefore) log({ event: 'reconnected' }, 'reconnected');
      else describe(e, log);
      welcomedBefore ||= e.type === 'connected';
      if (e.type === 'run-ended' && client.runs.length === 0) finish(0);
      if (e.type === 'give-up') fail(e.error);
    },
  });
  // SIGTERM/SIGINT: stop cleanly; a task in progress is abandoned (the round counts a dropout).
  const onSignal = (signal: NodeJS.Signals) => {
    log({ event: 'stopping', signal }, `${signal}: stopping; a task in progress is abandoned`);
    finish(0);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await Promise.race([client.start(), done]);
    return await done;
  } finally {
    finished = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await client.stop();
    await pins?.flushed();
  }
}

/** A non-negative number of seconds (0 allowed: never give up). */
function seconds(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be seconds >= 0, got '${value}'`);
  return n;
}

function logReach(state: ReachState, log: (event: Record<string, unknown>, text: string) => void): void {
  if (state === 'retrying') log({ event: 'retrying' }, 'coordinator unreachable; retrying');
  else log({ event: 'reconnected' }, 'coordinator reachable again');
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
      return [{ event: 'disconnected', reason: e.reason }, `disconnected (${e.reason})`];
    case 'retrying':
      return [{ event: 'retrying' }, 'coordinator unreachable; retrying'];
    case 'give-up':
      return [{ event: 'give-up', triedMs: e.triedMs }, `giving up on ${e.url}`];
    case 'run-ended':
      return [
        {
          event: 'finished',
          runId: e.runId,
          status: e.status,
          rounds: e.completedRounds,
          version: e.finalVersion,
        },
        `run ${e.runId} ${e.status} after ${e.completedRounds} rounds (final version ${e.finalVersion})`,
      ];
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
