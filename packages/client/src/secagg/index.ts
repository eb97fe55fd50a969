export { SecAggTaskSession, isSecAggBody } from './secagg-session.js';
export type { SecAggClientPolicy, SecAggSessionHooks, SecAggStage } from './secagg-session.js';
