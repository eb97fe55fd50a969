// Federa dashboard: state from the REST API, live updates from /dashboard/events (SSE read with fetch).
import { drawLines } from './charts.js';

const $ = (id) => document.getElementById(id);
const state = { runs: [], run: undefined, rounds: [], evaluations: [], clients: [] };
const ACCURACY = ['test_accuracy', 'accuracy', 'train_accuracy'];
const LOSS = ['test_loss', 'train_loss', 'loss'];

const token = () => $('token').value.trim();
const headers = (json) => ({
  ...(token() ? { authorization: `Bearer ${token()}` } : {}),
  ...(json ? { 'content-type': 'application/json' } : {}),
});

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: headers(Boolean(init.body)) });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.message ? `${body.code}: ${body.message}` : `HTTP ${res.status}`);
  return body;
}

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

async function loadRuns() {
  state.runs = await api('/api/runs');
  const select = $('run-select');
  const wanted = new URLSearchParams(location.search).get('run') ?? state.run?.settings.id;
  const current =
    state.runs.find((r) => r.settings.id === wanted) ??
    [...state.runs]
      .sort((a, b) => (a.status === 'running') - (b.status === 'running') || a.updatedAt - b.updatedAt)
      .at(-1);
  select.replaceChildren(
    ...state.runs.map((r) => new Option(`${r.settings.id} (${r.status})`, r.settings.id)),
  );
  if (current) {
    select.value = current.settings.id;
    await loadRun(current.settings.id);
  }
}

let latestLoad = 0;
async function loadRun(id) {
  const load = ++latestLoad;
  const run = await api(`/api/runs/${id}`);
  if (load !== latestLoad) return; // a newer load started meanwhile; this answer may be stale
  state.rounds = run.rounds;
  state.evaluations = run.evaluations ?? [];
  state.run = run;
  renderRun();
  await loadVersions();
}

function pick(metrics, names) {
  const name = names.find((n) => typeof metrics[n] === 'number');
  return name === undefined ? undefined : [name, metrics[name]];
}

function series(names) {
  const out = {};
  for (const r of state.rounds) {
    const found = pick(r.metrics, names);
    if (!found) continue;
    out[found[0]] ??= [];
    out[found[0]].push([r.round, found[1]]);
  }
  return out;
}

function renderRun() {
  const run = state.run;
  if (!run) return;
  $('run-status').textContent = run.status;
  $('round-count').textContent = String(run.completedRounds);
  $('round-total').textContent = String(run.settings.rounds);
  $('round-progress').max = run.settings.rounds;
  $('round-progress').value = run.completedRounds;
  // Federated test accuracy: the clients' own test splits (client join --test-data), examples-weighted.
  const federated = state.evaluations
    .filter((e) => typeof e.metrics.fed_eval_accuracy === 'number')
    .map((e) => [e.round, e.metrics.fed_eval_accuracy]);
  drawLines($('accuracy-chart'), {
    ...series(ACCURACY),
    ...(federated.length ? { 'federated test accuracy': federated } : {}),
  });
  drawLines($('loss-chart'), series(LOSS));
  const eps = [...state.rounds].reverse().find((r) => typeof r.metrics.epsilon === 'number');
  $('epsilon').textContent = eps ? `ε = ${eps.metrics.epsilon.toFixed(3)}` : 'not tracked';
}

function renderClients(clients) {
  state.clients = clients;
  $('client-count').textContent = String(clients.length);
  $('clients').replaceChildren(
    ...clients.map((c) =>
      Object.assign(document.createElement('li'), {
        textContent: c.runs.length ? `${c.clientId} (${c.runs.join(', ')})` : c.clientId,
      }),
    ),
  );
}

async function loadVersions() {
  const id = state.run.settings.id;
  let versions;
  let labels = [];
  try {
    const model = await api(`/v1/registry/models/${id}`);
    versions = model.versions;
    labels = model.labels;
  } catch {
    versions = await api(`/api/runs/${id}/versions`);
  }
  $('labels').replaceChildren(
    ...labels.map((l) => {
      const span = Object.assign(document.createElement('span'), {
        className: 'label',
        textContent: `${l.label} → v${l.version} `,
      });
      const back = Object.assign(document.createElement('button'), {
        textContent: 'rollback',
        className: 'rollback',
      });
      back.dataset.label = l.label;
      back.onclick = () =>
        act(
          `/v1/registry/models/${id}/labels/${l.label}/rollback`,
          'POST',
          undefined,
          `rolled back ${l.label}`,
        );
      span.append(back);
      return span;
    }),
  );
  const rows = [...versions].reverse().map((v) => {
    const tr = document.createElement('tr');
    const acc = pick(v.metrics, ACCURACY);
    const loss = pick(v.metrics, LOSS);
    const here = labels
      .filter((l) => l.version === v.version)
      .map((l) => l.label)
      .join(', ');
    for (const text of [
      `v${v.version}`,
      v.round,
      acc ? acc[1].toFixed(4) : '-',
      loss ? loss[1].toFixed(4) : '-',
      here,
    ]) {
      tr.append(Object.assign(document.createElement('td'), { textContent: String(text) }));
    }
    const promote = Object.assign(document.createElement('button'), {
      textContent: 'promote',
      className: 'promote',
    });
    promote.dataset.version = String(v.version);
    promote.onclick = () => {
      const label = $('promote-label').value.trim() || 'production';
      act(
        `/v1/registry/models/${id}/labels/${label}`,
        'PUT',
        { version: v.version },
        `promoted v${v.version} to ${label}`,
      );
    };
    const cell = document.createElement('td');
    cell.append(promote);
    tr.append(cell);
    return tr;
  });
  $('versions').tBodies[0].replaceChildren(...rows);
}

async function act(path, method, body, done) {
  try {
    await api(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    say(done);
    await loadVersions();
  } catch (err) {
    say(String(err.message), true);
  }
}

const HANDLERS = {
  hello: () => {},
  'client-connected': () => {},
  'client-disconnected': () => {},
  'round-started': (d) => {
    if (d.runId === state.run?.settings.id)
      $('round-live').textContent = `round ${d.round} training on ${d.sampled.length} clients`;
  },
  'round-failed': (d) => {
    if (d.runId === state.run?.settings.id)
      $('round-live').textContent = `round ${d.round} attempt ${d.attempt} failed: ${d.code}`;
  },
  'round-committed': (d) => {
    if (d.round.runId !== state.run?.settings.id) return;
    state.rounds = [...state.rounds.filter((r) => r.round !== d.round.round), d.round];
    // The federated evaluation of the previous version has been recorded by now.
    if (state.run?.settings.evaluation) loadRun(state.run.settings.id).catch(() => undefined);
    $('round-live').textContent = `round ${d.round.round} committed in ${(d.durationMs / 1000).toFixed(1)} s`;
    renderRun();
    loadVersions().catch((err) => say(String(err.message), true));
  },
  'run-updated': (run) => {
    const option = [...$('run-select').options].find((o) => o.value === run.settings.id);
    if (option) option.textContent = `${run.settings.id} (${run.status})`;
    if (run.settings.id === state.run?.settings.id) state.run = { ...state.run, ...run };
    else if (!state.runs.some((r) => r.settings.id === run.settings.id)) loadRuns();
    renderRun();
  },
};

function dispatch(name, data) {
  const handler = HANDLERS[name];
  if (!handler) return;
  try {
    const parsed = JSON.parse(data);
    renderClients(parsed.clients);
    handler(parsed);
  } catch (err) {
    reportError(err); // a page error, as with EventSource listeners, without dropping the stream
  }
}

const badge = (text, on = false) =>
  Object.assign($('live'), { textContent: text, className: on ? 'badge on' : 'badge' });

/** Feed Server-Sent Events (WHATWG HTML §9.2: event and data fields, blank-line framed) to `onEvent`. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // A trailing \r may be the first half of a \r\n split across reads: normalise what precedes it.
    const held = buffer.endsWith('\r') ? '\r' : '';
    buffer = (held ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, '\n') + held;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      let name = 'message';
      const data = [];
      for (const line of buffer.slice(0, end).split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment (keep-alive)
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length > 0) onEvent(name, data.join('\n'));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

// fetch() rather than EventSource: EventSource cannot send the Authorization header, and a token
// in the URL would end up in access logs.
let stream;
async function listen() {
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  let delay = 500;
  while (!controller.signal.aborted) {
    try {
      const res = await fetch('/dashboard/events', {
        headers: headers(false),
        cache: 'no-store',
        signal: controller.signal,
      });
      if (res.status === 401 || res.status === 403) {
        // Retrying cannot help: the next pasted token starts a new stream.
        const body = await res.json().catch(() => null);
        badge(`not live: ${body?.code ?? `HTTP ${res.status}`}`);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      badge('live', true);
      delay = 500;
      await readEvents(res.body, dispatch);
    } catch {
      // A dropped connection: retry below, unless a newer listen() aborted this one.
      if (controller.signal.aborted) return;
    }
    badge('reconnecting…');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

function loadClients() {
  return api('/dashboard/clients').then(
    (d) => renderClients(d.clients),
    () => {},
  );
}

$('run-select').onchange = (e) => loadRun(e.target.value);

/** Save a Blob as a file (the download attribute of a temporary link). */
function save(blob, name) {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
// Curves as data (every round's metrics, GET /api/runs/:id/metrics?format=csv, with the pasted token) or as images.
$('download-csv').onclick = async () => {
  const id = state.run?.settings.id;
  if (!id) return;
  const res = await fetch(`/api/runs/${id}/metrics?format=csv`, { headers: headers(false) });
  if (!res.ok) return say(`metrics: HTTP ${res.status}`, true);
  save(await res.blob(), `${id}-metrics.csv`);
};
for (const chart of ['accuracy', 'loss']) {
  $(`download-${chart}-png`).onclick = () =>
    $(`${chart}-chart`).toBlob((png) => png && save(png, `${state.run?.settings.id ?? 'run'}-${chart}.png`));
}
$('token').value = sessionStorage.getItem('federa-token') ?? '';
// With auth on, reading runs and the live stream need a viewer token: reload everything when one is pasted.
$('token').oninput = () => {
  sessionStorage.setItem('federa-token', token());
  listen();
  loadClients();
  loadRuns().then(
    () => $('message').className === 'error' && say(''),
    (err) => say(`${err.message} (paste a viewer or admin token)`, true),
  );
};
loadClients();
listen();
loadRuns().catch((err) => say(`${err.message} (paste a viewer or admin token)`, true));
