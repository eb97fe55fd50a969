// Public API of the client's federated-evaluation area.
export { evaluateLocally } from './evaluate-locally.js';
export type { EvaluationJob, EvaluationOutcome, Evaluator } from './evaluate-locally.js';
export { RowScorer, type RowScores } from './row-scorer.js';
