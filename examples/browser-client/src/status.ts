import { type ClientEvent, describeBackend } from '@federa/client';

/** What the page shows, also readable as `window.federaStatus` (the e2e test reads it). */
export interface Status {
  state: string;
  backend: string | undefined;
  backendName: string | undefined;
  warnings: string[];
  /** Every FederaClient event type received, in order. */
  events: string[];
  error: string | undefined;
  features: string | undefined;
  runStatus: string | undefined;
  rounds: Array<{ round: number; examples: number; loss: number | undefined; secagg: string }>;
  prediction: string | undefined;
}

const el = (id: string) => document.getElementById(id) as HTMLElement;

/** The status panel: one object, rendered after every change. */
export class StatusPanel {
  readonly status: Status = {
    state: 'idle',
    backend: undefined,
    backendName: undefined,
    warnings: [],
    events: [],
    error: undefined,
    features: undefined,
    runStatus: undefined,
    rounds: [],
    prediction: undefined,
  };

  constructor() {
    (globalThis as unknown as { federaStatus: Status }).federaStatus = this.status;
  }

  set(change: Partial<Status>): void {
    Object.assign(this.status, change);
    this.render();
  }

  /** Fold one FederaClient event into the panel. */
  onEvent(e: ClientEvent): void {
    const s = this.status;
    s.events.push(e.type);
    switch (e.type) {
      case 'backend':
        s.backend = describeBackend(e.backend);
        s.backendName = e.backend.name;
        break;
      case 'warning':
        if (!s.warnings.includes(e.message)) s.warnings.push(e.message);
        break;
      case 'connected':
        s.state = 'connected, waiting for a round';
        break;
      case 'disconnected':
        s.state = `disconnected (${e.reason}), reconnecting`;
        break;
      case 'task':
        s.state = `round ${e.task.round}: training`;
        s.runStatus = `running, round ${e.task.round}`;
        this.round(e.task.round);
        break;
      case 'secagg':
        this.round(e.task.round).secagg = e.stage;
        break;
      case 'trained': {
        const row = this.round(e.task.round);
        row.examples = e.numExamples;
        row.loss = e.metrics['train_loss'];
        s.state = `round ${e.task.round}: update sent`;
        break;
      }
      case 'run-ended':
        s.runStatus = `${e.status}, ${e.completedRounds} rounds done${e.reason ? ` (${e.reason})` : ''}`;
        break;
      case 'rejected':
        s.warnings.push(`${e.error.code}: ${e.error.message}`);
        break;
      default:
        break;
    }
    this.render();
  }

  private round(round: number): Status['rounds'][number] {
    let row = this.status.rounds.find((r) => r.round === round);
    if (!row) {
      row = { round, examples: 0, loss: undefined, secagg: '–' };
      this.status.rounds.push(row);
    }
    return row;
  }

  private render(): void {
    const s = this.status;
    el('state').textContent = s.state;
    el('backend').textContent = s.backend ?? '–';
    el('features').textContent = s.features ?? '–';
    el('run-status').textContent = s.runStatus ?? '–';
    el('prediction').textContent = s.prediction ?? '';
    const warning = el('warning');
    warning.hidden = s.warnings.length === 0;
    warning.textContent = s.warnings.join('\n');
    const error = el('error');
    error.hidden = s.error === undefined;
    error.textContent = s.error ?? '';
    const body = el('rounds').querySelector('tbody') as HTMLElement;
    body.replaceChildren(
      ...s.rounds.map((r) => {
        const tr = document.createElement('tr');
        tr.dataset['round'] = String(r.round);
        for (const cell of [r.round, r.examples, r.loss === undefined ? '–' : r.loss.toFixed(4), r.secagg]) {
          const td = document.createElement('td');
          td.textContent = String(cell);
          tr.append(td);
        }
        return tr;
      }),
    );
  }
}
