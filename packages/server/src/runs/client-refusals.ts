/** A client's typed refusal of a run's task (e.g. FEDERA_ERR_DATA_MODEL_MISMATCH), as `run status` shows it. */
export interface ClientRefusal {
  clientId: string;
  code: string;
  message: string;
  at: number;
}

/** Bounds on what a client can make the coordinator keep: refusals arrive from the network. */
const MAX_PER_RUN = 256;
const MAX_MESSAGE = 300;
const CODE = /^FEDERA_ERR_[A-Z0-9_]{1,64}$/;

/**
 * The latest refusal of each client, per run, in memory: a refusing client refuses again after a
 * restart, so nothing here needs to survive one. Keyed by network-supplied ids, so Maps.
 */
export class ClientRefusals {
  private readonly byRun = new Map<string, Map<string, ClientRefusal>>();

  /** Record `clientId`'s refusal of a task of `runId`; the code must look like one of ours. */
  record(runId: string, clientId: string, error: { code: string; message: string }): ClientRefusal {
    const refusal = {
      clientId,
      code: CODE.test(error.code) ? error.code : 'FEDERA_ERR_CLIENT_REFUSED',
      message: error.message.split('\n')[0]!.slice(0, MAX_MESSAGE),
      at: Date.now(),
    };
    const run = this.byRun.get(runId) ?? new Map<string, ClientRefusal>();
    this.byRun.set(runId, run);
    run.delete(clientId);
    if (run.size >= MAX_PER_RUN) run.delete(run.keys().next().value!);
    run.set(clientId, refusal);
    return refusal;
  }

  /** The run's refusals, oldest first. */
  list(runId: string): ClientRefusal[] {
    return [...(this.byRun.get(runId)?.values() ?? [])];
  }

  /** A client that later trained for the run is capable again. */
  clear(runId: string, clientId: string): void {
    this.byRun.get(runId)?.delete(clientId);
  }
}
