import type { TensorSpec } from '@federa/core';
import type { FederaStore } from '@federa/server';
import { expectedMean, maxStepError } from './driver/synthetic-delta.js';

/** What {@link verifySyntheticRun} found. */
export interface RunVerification {
  rounds: number;
  /** Largest |committed step − expected weighted mean| over all rounds and parameters. */
  maxError: number;
  /** `${round}:${clientId}` of every committed participation. */
  counted: Set<string>;
}

/**
 * Re-derive every committed round of a synthetic run: each version (read
 * hash-verified) minus its predecessor must equal the examples-weighted mean of
 * the participants' synthetic deltas (FedAvg with server learning rate 1).
 *
 * @example
 * const { maxError } = await verifySyntheticRun(server.store, 'soak', specs);
 */
export async function verifySyntheticRun(
  store: FederaStore,
  runId: string,
  specs: readonly TensorSpec[],
): Promise<RunVerification> {
  const rounds = await store.listRounds(runId);
  const counted = new Set<string>();
  let maxError = 0;
  let before = await store.getWeights(runId, 0, specs);
  for (const r of rounds) {
    const after = await store.getWeights(runId, r.version, specs);
    maxError = Math.max(maxError, maxStepError(expectedMean(r.participants, r.round, specs), after, before));
    for (const p of r.participants) counted.add(`${r.round}:${p.clientId}`);
    before = after;
  }
  return { rounds: rounds.length, maxError, counted };
}

/** `${round}:${clientId}` of an acknowledged task id (`run.round.attempt.random`). */
export function ackKey(taskId: string, clientId: string): string {
  const round = taskId.split('.').at(-3);
  return `${round}:${clientId}`;
}
