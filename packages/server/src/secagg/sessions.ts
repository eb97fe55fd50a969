import type { SecAggBody } from '@federa/protocol';
import { secaggRoundErrors } from './errors.js';

/** What routes a client's SecAgg+ message: the open session it names. */
export interface SecAggSession {
  receive(clientId: string, body: SecAggBody): Promise<void>;
  /** The client disconnected: stop waiting for it in the current stage. */
  dropped(clientId: string): void;
}

/** Open SecAgg+ sessions by id; ids are random per attempt, so one process-wide map is safe. */
const open = new Map<string, SecAggSession>();

/** Make `session` reachable by its id until {@link closeSession}. */
export function openSession(id: string, session: SecAggSession): void {
  open.set(id, session);
}

/** Forget a session; its late messages get FEDERA_ERR_SECAGG_NO_SESSION. */
export function closeSession(id: string, session: SecAggSession): void {
  if (open.get(id) === session) open.delete(id);
}

/**
 * Hand a client's SecAgg+ message to the session named by its `runId` field
 * (the session id of RoundTask.secagg). Sessions stay open through unmasking,
 * after the scheduler has closed the round for new contributions.
 *
 * @example
 * await routeSecAgg('hospital-1', body); // from the gateway's dispatch
 */
export async function routeSecAgg(clientId: string, body: SecAggBody): Promise<void> {
  const sessionId = sessionIdOf(body);
  const session = open.get(sessionId);
  if (!session) throw secaggRoundErrors.create('FEDERA_ERR_SECAGG_NO_SESSION', sessionId);
  await session.receive(clientId, body);
}

/** A client disconnected: every open session stops waiting for it (its stages then close early). */
export function clientGone(clientId: string): void {
  for (const session of open.values()) session.dropped(clientId);
}

function sessionIdOf(body: SecAggBody): string {
  switch (body.kind) {
    case 'secaggAdvertise':
      return body.secaggAdvertise.runId;
    case 'secaggRoster':
      return body.secaggRoster.runId;
    case 'secaggShareKeys':
      return body.secaggShareKeys.runId;
    case 'secaggInbox':
      return body.secaggInbox.runId;
    case 'secaggMasked':
      return body.secaggMasked.runId;
    case 'secaggUnmaskRequest':
      return body.secaggUnmaskRequest.runId;
    case 'secaggUnmaskResponse':
      return body.secaggUnmaskResponse.runId;
    case 'secaggSurvivorSet':
      return body.secaggSurvivorSet.runId;
    case 'secaggSurvivorSignature':
      return body.secaggSurvivorSignature.runId;
  }
}
