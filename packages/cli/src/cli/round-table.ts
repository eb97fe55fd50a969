import { bar, metric, table } from './output.js';

/** The REST view of a run (GET /api/runs/:id). */
export interface RunView {
  settings: {
    id: string;
    rounds: number;
    strategy: { name: string };
    clientsPerRound: number;
    minClients: number;
  };
  status: string;
  completedRounds: number;
  currentVersion: number;
  error?: { code: string; message: string };
  /** What the run's model takes and predicts (absent on runs created before it was recorded). */
  modelShape?: { inputShape: number[]; classes: number };
  /** Federated evaluation of versions on the clients' own test splits. */
  evaluations?: Array<{
    round: number;
    version: number;
    numExamples: number;
    metrics: Record<string, number>;
  }>;
  /** Clients that refused the run's tasks, and why. */
  refusals?: Array<{ clientId: string; code: string; message: string }>;
  rounds?: Array<{
    round: number;
    participants: unknown[];
    metrics: Record<string, number>;
    startedAt: number;
    endedAt: number;
  }>;
}

export const TERMINAL = new Set(['completed', 'failed', 'stopped']);

/** Progress line plus a per-round table of participants and metrics. */
export function roundTable(run: RunView): string[] {
  const rounds = run.rounds ?? [];
  const head = `${run.settings.id}  ${run.status}  ${bar(run.completedRounds, run.settings.rounds)}`;
  const federated = new Map((run.evaluations ?? []).map((e) => [e.round, e.metrics['fed_eval_accuracy']]));
  const rows = rounds.map((r) => [
    r.round,
    r.participants.length,
    metric(r.metrics['train_loss']),
    metric(r.metrics['test_accuracy'] ?? r.metrics['accuracy']),
    metric(federated.get(r.round)),
    metric(r.metrics['epsilon']),
    ((r.endedAt - r.startedAt) / 1000).toFixed(1),
  ]);
  const columns = ['round', 'clients', 'train_loss', 'accuracy', 'fed_test_acc', 'epsilon', 'seconds'];
  const lines = [head, ...table(columns, rows)];
  for (const r of run.refusals ?? []) lines.push(`refused by ${r.clientId}: ${r.code}: ${r.message}`);
  if (run.error) lines.push(`error: ${run.error.code}: ${run.error.message}`);
  return lines;
}

/**
 * Redraws a block of lines in place on a terminal (ANSI cursor-up + clear);
 * on pipes and files it prints only lines that are new, so logs stay readable.
 */
export class LiveBlock {
  private shown: string[] = [];
  constructor(private readonly tty = Boolean(process.stdout.isTTY)) {}

  draw(lines: string[]): void {
    if (this.tty) {
      if (this.shown.length) process.stdout.write(`\x1b[${this.shown.length}A\x1b[J`);
      process.stdout.write(`${lines.join('\n')}\n`);
    } else {
      for (const line of lines) if (!this.shown.includes(line)) console.log(line);
    }
    this.shown = lines;
  }
}
