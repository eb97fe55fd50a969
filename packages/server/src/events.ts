import { EventEmitter } from 'node:events';
import type { RoundRecord, RunRecord, VersionRecord } from './runs/run-types.js';

/** Events the coordinator emits for its own plugins (serving, metrics, dashboard). */
export interface FederationEventMap {
  'run-updated': [run: RunRecord];
  'round-started': [
    info: { runId: string; round: number; attempt: number; sampled: string[]; deadline: number },
  ];
  'round-committed': [info: { round: RoundRecord; version: VersionRecord; durationMs: number }];
  'round-failed': [info: { runId: string; round: number; attempt: number; code: string }];
  'client-connected': [info: { clientId: string; runs: string[] }];
  'client-disconnected': [info: { clientId: string }];
  /** An enrolled client was revoked: the gateway closes its live session. */
  'client-revoked': [info: { clientId: string }];
  'update-accepted': [info: { runId: string; round: number; clientId: string }];
  'update-rejected': [info: { clientId: string | undefined; code: string }];
  /** A hello declared runs its enrolment does not cover (audited). */
  'membership-refused': [info: { clientId: string; runIds: string[]; code: string }];
}

/**
 * Typed event bus of one coordinator.
 *
 * @example
 * events.on('round-committed', ({ version }) => registry.onVersion(version));
 */
export class FederationEvents extends EventEmitter<FederationEventMap> {}
