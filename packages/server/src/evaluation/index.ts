// Public API of the server's federated-evaluation area.
export { evaluationErrors } from './evaluation-errors.js';
export type { EvaluationErrorCode } from './evaluation-errors.js';
export { EvaluationRound } from './evaluation-round.js';
export type { EvaluationParticipation } from './evaluation-round.js';
export {
  DEFAULT_EVALUATION_TIMEOUT_MS,
  checkEvaluationSettings,
  evaluatesAfter,
  evaluationSettingsSchema,
} from './evaluation-settings.js';
export { EvaluationStore } from './evaluation-store.js';
export type { EvaluationRecord } from './evaluation-store.js';
export { FederatedEvaluator } from './federated-evaluator.js';
export type { FederatedEvaluatorDeps } from './federated-evaluator.js';
