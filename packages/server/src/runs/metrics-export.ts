import type { EvaluationRecord } from '../evaluation/evaluation-store.js';
import type { RoundRecord } from './run-types.js';

/** One committed round as a flat record: what a researcher plots or loads into a data frame. */
export type RoundMetricsRow = Record<string, number | string>;

/** The columns every export starts with; other metrics follow, sorted by name. */
const FIRST = [
  'round',
  'version',
  'participants',
  'dropped',
  'attempts',
  'examples',
  'train_loss',
  'test_accuracy',
  'test_loss',
  'fed_eval_accuracy',
  'fed_eval_loss',
  'fed_eval_examples',
  'epsilon',
  'duration_s',
  'ended_at',
] as const;

/**
 * Every committed round of a run with its train loss, the coordinator's test metrics, the federated
 * (client-side) evaluation of the version it produced, ε and timing — issue 14 item 8.
 *
 * @example
 * const { columns, rows } = runMetricsTable(await store.listRounds(id), await evaluations.list(id));
 */
export function runMetricsTable(
  rounds: readonly RoundRecord[],
  evaluations: readonly EvaluationRecord[],
): { columns: string[]; rows: RoundMetricsRow[] } {
  const byVersion = new Map(evaluations.map((e) => [e.version, e]));
  const rows = rounds.map((r) => {
    const evaluation = byVersion.get(r.version);
    const row: RoundMetricsRow = Object.create(null);
    for (const [name, value] of Object.entries(r.metrics)) row[name] = value;
    for (const [name, value] of Object.entries(evaluation?.metrics ?? {})) row[name] = value;
    if (evaluation) row['fed_eval_examples'] = evaluation.numExamples;
    row['round'] = r.round;
    row['version'] = r.version;
    row['participants'] = r.participants.length;
    row['dropped'] = r.dropped.length;
    row['attempts'] = r.attempts;
    row['examples'] = r.participants.reduce((sum, p) => sum + p.numExamples, 0);
    row['duration_s'] = (r.endedAt - r.startedAt) / 1000;
    row['ended_at'] = new Date(r.endedAt).toISOString();
    return row;
  });
  const seen = new Set(rows.flatMap((row) => Object.keys(row)));
  const rest = [...seen].filter((c) => !(FIRST as readonly string[]).includes(c)).sort();
  return { columns: [...FIRST, ...rest], rows };
}

/** RFC 4180 CSV with a header; an absent metric is an empty cell. */
export function metricsCsv(table: { columns: string[]; rows: RoundMetricsRow[] }): string {
  const cell = (v: number | string | undefined) => {
    if (v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [table.columns.map(cell), ...table.rows.map((row) => table.columns.map((c) => cell(row[c])))];
  return `${lines.map((l) => l.join(',')).join('\n')}\n`;
}
