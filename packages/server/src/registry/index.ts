export { type BeforeMove, ModelRegistry } from './model-registry.js';
export {
  attachPromotionGate,
  beatsCurrent,
  type GateDecision,
  type PromotionGateOptions,
} from './promotion-gate.js';
export type { LabelMove, LabelRecord, MoveReason, TrafficPolicy } from './registry-types.js';
export { validatePolicy } from './traffic-policy.js';
