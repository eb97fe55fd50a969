// The page: pick a CSV, join a run beside other clients, watch rounds, then predict on-device.
import {
  FederaClient,
  IndexedDbKeyStore,
  type LocalDataset,
  type TableSchema,
  describeBackend,
  enrolDevice,
  fallbackMessage,
  initBackend,
  loadOrCreateDeviceKey,
  loadServedModel,
  parseCsv,
  prepareTabularData,
} from '@federa/client';
import { storeCsv, storedCsv } from './local-data.js';
import { StatusPanel } from './status.js';

const panel = new StatusPanel();
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const value = (id: string) => input(id).value.trim();
const list = (text: string) =>
  text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

// Settings may come in the page URL (?server=…&run=…&id=…); tokens never do.
const params = new URLSearchParams(location.search);
for (const [param, id] of [
  ['server', 'server'],
  ['run', 'run'],
  ['id', 'client-id'],
  ['label', 'label'],
  ['categorical', 'categorical'],
] as const) {
  const given = params.get(param);
  if (given !== null) input(id).value = given;
}
if (!value('client-id')) input('client-id').value = `browser-${crypto.randomUUID().slice(0, 8)}`;

let encoded: LocalDataset | undefined;
// Served beside the page by build.mjs (or from Vite's public/tfjs); ?backend=wasm makes a missing file fatal.
const wasmPaths = new URL('tfjs/', document.baseURI).href;
const backend = params.get('backend') ?? undefined;

// Start TF.js at once, so the user sees the backend (and any fallback) before joining.
initBackend({ wasmPaths, ...(backend ? { backend } : {}), log: () => undefined }).then(
  (info) =>
    panel.set({
      backend: describeBackend(info),
      backendName: info.name,
      warnings: info.fallback ? [fallbackMessage(info)] : [],
    }),
  (err: { code?: string; message?: string }) => panel.set({ error: `${err.code}: ${err.message}` }),
);

/** The picked file, or the one kept in IndexedDB from an earlier visit. */
async function localCsv(): Promise<string> {
  const file = input('data').files?.[0];
  if (file) {
    const text = await file.text();
    if (input('remember').checked) await storeCsv('data', { name: file.name, text });
    return text;
  }
  const kept = await storedCsv('data');
  if (!kept) throw new Error('pick a CSV file first');
  return kept.text;
}

async function join(): Promise<void> {
  const url = value('server');
  const runId = value('run');
  const clientId = value('client-id');
  const token = value('token') || undefined;

  // An enrolled browser signs every hello with a non-extractable key kept in IndexedDB; enrol
  // before reporting statistics, which a coordinator requiring identity accepts only from enrolled ids.
  const keys = new IndexedDbKeyStore();
  const enrolment = value('enrolment-token');
  let identity = await keys.load(clientId);
  if (enrolment) {
    identity = await loadOrCreateDeviceKey(keys, clientId);
    await enrolDevice({ url, token: enrolment, clientId, key: identity });
  }

  const table = parseCsv(await localCsv());
  const categorical = list(value('categorical'));
  const schema: TableSchema = {
    label: value('label') || 'label',
    ...(categorical.length ? { categorical } : {}),
  };
  panel.set({ state: 'sending feature statistics' });
  // The same pre-round and encoding as `federa client join` (prepareTabularData of @federa/client).
  const prepared = await prepareTabularData(table, schema, {
    url,
    runId,
    clientId,
    ...(token ? { token } : {}),
    ...(identity ? { identity } : {}),
    onProgress: (n, quorum) => panel.set({ state: `feature statistics: ${n}/${quorum} clients reported` }),
  });
  encoded = prepared.data;
  const names = prepared.inputNames;
  panel.set({
    features: `${encoded.n} rows as ${names.length} inputs (${names.join(', ')}); classes ${prepared.transform.classes.join(', ')}`,
  });

  // The coordinator tells a member when its run ends (RunEnded, also right after the welcome if the
  // run ended already): the page waits for that event, nothing polls. A give-up ends the wait too.
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const ended = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  ended.catch(() => undefined); // a give-up before the welcome is start()'s rejection
  const client = new FederaClient({
    url,
    clientId,
    runs: [runId],
    data: encoded,
    ...(token ? { token } : {}),
    ...(identity ? { identity } : {}),
    wasmPaths,
    ...(backend ? { backend } : {}),
    onEvent: (e) => {
      panel.onEvent(e);
      if (e.type === 'run-ended' && e.runId === runId) settle.resolve();
      if (e.type === 'give-up') settle.reject(e.error);
    },
  });
  panel.set({ state: 'connecting' });
  await client.start();
  input('model-url').value ||= new URL(
    `/models/${encodeURIComponent(runId)}/labels/latest/model.json`,
    url,
  ).href;
  await ended;
  await client.stop();
  panel.set({ state: 'finished' });
}

/** On-device inference: load the run's served model.json and score the local rows. */
async function predict(): Promise<void> {
  if (!encoded) throw new Error('join a run first: the rows are encoded with its feature statistics');
  const model = await loadServedModel(value('model-url'), {
    ...(value('token') ? { token: value('token') } : {}),
  });
  try {
    const probabilities = model.predict(encoded.x, encoded.n);
    let correct = 0;
    probabilities.forEach((p, i) => {
      const best = p.indexOf(Math.max(...p));
      if (best === encoded!.y[i]) correct++;
    });
    panel.set({
      prediction: `model version ${model.version} predicted ${encoded.n} local rows on this device: accuracy ${(correct / encoded.n).toFixed(3)}`,
    });
  } finally {
    model.dispose();
  }
}

function guarded(action: () => Promise<void>) {
  return (event: Event) => {
    event.preventDefault();
    panel.set({ error: undefined });
    action().catch((err: unknown) => {
      const e = err as { code?: string; message?: string };
      panel.set({ state: 'stopped', error: `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}` });
    });
  };
}

document.getElementById('join')!.addEventListener('submit', guarded(join));
document.getElementById('infer')!.addEventListener('submit', guarded(predict));
void storedCsv('data').then((kept) => {
  if (kept) document.getElementById('stored')!.textContent = `(kept: ${kept.name})`;
});
