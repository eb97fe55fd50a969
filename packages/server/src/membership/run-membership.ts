import type { EnvelopeBody, RunEndStatus } from '@federa/protocol';
import type { FederationEvents } from '../events.js';
import type { ClientPool } from '../gateway/client-pool.js';
import type { RunRecord } from '../runs/run-types.js';
import type { FederaStore } from '../store/store.js';
import { membershipErrors } from './membership-errors.js';

/** Most runs one hello may declare; run ids are at most 64 characters (the REST pattern). */
export const MAX_DECLARED_RUNS = 64;
const MAX_RUN_ID_LENGTH = 64;

const ENDED: ReadonlySet<string> = new Set<RunEndStatus>(['completed', 'stopped', 'failed']);

/** What membership needs from the coordinator. */
export interface RunMembershipDeps {
  store: FederaStore;
  events: FederationEvents;
  pool: ClientPool;
  /**
   * The runs an enrolled client's enrolment token covers; undefined when it is not
   * scoped (or not enrolled): then it may join any run.
   */
  runScope?: ((clientId: string) => readonly string[] | undefined) | undefined;
}

/** A hello's declared runs, admitted: the live ones and an end notice for each that already ended. */
export interface AdmittedRuns {
  runs: Set<string>;
  ended: EnvelopeBody[];
}

/** One connected member of a run, as `GET /api/runs/:id/clients` lists it. */
export interface RunMember {
  clientId: string;
  /** Every run this client is a member of in its current session. */
  runs: string[];
  /** Training or evaluating (for any of its runs) right now. */
  busy: boolean;
}

/**
 * Run membership (protocol 2): a client takes part only in the runs its hello
 * declares, within what its enrolment allows. The scheduler and the federated
 * evaluator sample members only (`ClientPool.idle(runId)`); the gateway hands a
 * run's model only to members; when a run ends its members get `RunEnded` and
 * the membership is dropped.
 */
export class RunMembership {
  constructor(private readonly deps: RunMembershipDeps) {
    deps.events.on('run-updated', (run) => {
      if (ENDED.has(run.status)) this.announceEnd(run);
    });
  }

  /**
   * Check a hello's `run_ids`: well-formed and each covered by the client's
   * enrolment scope. Throws a typed error (the hello is refused) otherwise;
   * a scope refusal is emitted as `membership-refused` for the audit log.
   */
  async admit(clientId: string, runIds: readonly string[]): Promise<AdmittedRuns> {
    const declared = new Set(runIds);
    const wellFormed = [...declared].every((id) => id.length > 0 && id.length <= MAX_RUN_ID_LENGTH);
    if (declared.size > MAX_DECLARED_RUNS || declared.size !== runIds.length || !wellFormed)
      throw membershipErrors.create('FEDERA_ERR_MEMBERSHIP_BAD_RUN_IDS');
    const scope = this.deps.runScope?.(clientId);
    const outside = scope && [...declared].filter((id) => !scope.includes(id));
    if (outside?.length) {
      const err = membershipErrors.create('FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED', outside.join(', '));
      this.deps.events.emit('membership-refused', { clientId, runIds: outside, code: err.code });
      throw err;
    }
    const runs = new Set<string>();
    const ended: EnvelopeBody[] = [];
    for (const id of declared) {
      // A run not created yet may be joined by id: its clients can start before the researcher.
      const run = await this.deps.store.getRun(id);
      if (run && ENDED.has(run.status)) ended.push(runEndedBody(run));
      else runs.add(id);
    }
    return { runs, ended };
  }

  /** Throws FEDERA_ERR_MEMBERSHIP_NOT_MEMBER unless `clientId` is connected as a member of `runId`. */
  requireMember(clientId: string, runId: string): void {
    if (!this.deps.pool.get(clientId)?.runs.has(runId))
      throw membershipErrors.create('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER', runId);
  }

  /** The connected members of a run. */
  members(runId: string): RunMember[] {
    const { pool } = this.deps;
    return pool.members(runId).map((c) => ({
      clientId: c.clientId,
      runs: [...c.runs],
      busy: pool.isBusy(c.clientId),
    }));
  }

  /** Tell every connected member the run ended, and drop the membership. */
  private announceEnd(run: RunRecord): void {
    const body = runEndedBody(run);
    for (const client of this.deps.pool.members(run.settings.id)) {
      client.runs.delete(run.settings.id);
      void client.send(body).catch(() => undefined);
    }
  }
}

/** The `RunEnded` message for a run that ended. */
export function runEndedBody(run: RunRecord): EnvelopeBody {
  return {
    kind: 'runEnded',
    runEnded: {
      runId: run.settings.id,
      status: run.status,
      finalVersion: run.currentVersion,
      completedRounds: run.completedRounds,
      reason: run.error?.code ?? run.completedReason ?? '',
    },
  };
}
