export { SecAggTaskSession, isSecAggBody } from './secagg-session.js';
export type { SecAggSessionHooks, SecAggStage } from './secagg-session.js';
