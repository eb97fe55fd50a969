import {
  type DevicePins,
  type SecAggParams,
  SecAggClient,
  type SecAggSigner,
  type ShareInbox,
  type Weights,
} from '@federa/core';
import type { EnvelopeBody, RoundTask, SecAggBody, SecAggSetup } from '@federa/protocol';

/** Stage events of a SecAgg+ task, emitted after the stage's message went out. */
export type SecAggStage = 'advertised' | 'shared' | 'masked' | 'confirmed' | 'unmasked';

/**
 * A client's own secure-aggregation policy (`FederaClientOptions.secureAggregation`): what it
 * demands whatever the coordinator's round setup says (docs/security.md, malicious coordinator).
 */
export interface SecAggClientPolicy {
  /** Refuse rounds that do not run the malicious-server mode (signed keys, consistency check). */
  requireMaliciousServerMode?: boolean;
  /** Never reveal shares for a sum of fewer inputs than this (at least max(t, 3) anyway). */
  minInputs?: number;
  /** Neighbour device-key fingerprints known out of band; by default first-seen keys are pinned per client. */
  pins?: DevicePins;
}

/** What a {@link SecAggTaskSession} needs from its client. */
export interface SecAggSessionHooks {
  send(body: EnvelopeBody): Promise<void>;
  /** Called after each stage's message was sent (tests stop a client here to simulate a dropout). */
  onStage(stage: SecAggStage, task: RoundTask): void;
}

/**
 * One client's part in a secure-aggregation round (Bonawitz et al. 2017, §4;
 * Bell et al. 2020): advertise keys at once, answer the roster with sealed
 * shares, keep the inbox, mask the trained delta as soon as both the inbox and
 * the training result are there, then answer the unmask request. WebCrypto
 * only, so it runs in browsers too.
 *
 * @example
 * const session = new SecAggTaskSession(task, clientId, hooks);
 * await session.start();                     // AdvertiseKeys
 * await session.receive(body);               // roster / inbox / unmask request
 * await session.trained(delta, numExamples, metrics); // MaskedInput once the inbox is in
 */
export class SecAggTaskSession {
  readonly setup: SecAggSetup;
  private readonly protocol: SecAggClient;
  private inbox: ShareInbox | undefined;
  private result: { delta: Weights; numExamples: number; metrics: Record<string, number> } | undefined;
  private maskedSent = false;

  /** Throws FEDERA_ERR_SECAGG_THREAT_DOWNGRADE / _IDENTITY_REQUIRED when the round breaks `policy`. */
  constructor(
    readonly task: RoundTask & { secagg: SecAggSetup },
    clientId: string,
    private readonly hooks: SecAggSessionHooks,
    policy: SecAggClientPolicy & { signer?: SecAggSigner } = {},
  ) {
    this.setup = task.secagg;
    const { sessionId, ...params } = task.secagg;
    const { signer, pins, minInputs, requireMaliciousServerMode } = policy;
    this.protocol = new SecAggClient({
      runId: sessionId,
      round: task.round,
      clientId,
      params: params satisfies SecAggParams,
      ...(signer ? { signer } : {}),
      ...(pins ? { pins } : {}),
      ...(minInputs !== undefined ? { minInputs } : {}),
      ...(requireMaliciousServerMode ? { requireMaliciousServerMode } : {}),
    });
  }

  /** Stage 1: send fresh public keys. */
  async start(): Promise<void> {
    await this.hooks.send({ kind: 'secaggAdvertise', secaggAdvertise: await this.protocol.advertise() });
    this.hooks.onStage('advertised', this.task);
  }

  /** True when `body` belongs to this session. */
  owns(body: SecAggBody): boolean {
    const runId = (Object.values(body).find((v) => typeof v === 'object') as { runId?: string }).runId;
    return runId === this.setup.sessionId;
  }

  /** Handle a server → client stage message; typed errors propagate to the caller. */
  async receive(body: SecAggBody): Promise<void> {
    switch (body.kind) {
      case 'secaggRoster': {
        const shares = await this.protocol.shareKeys(body.secaggRoster);
        await this.hooks.send({ kind: 'secaggShareKeys', secaggShareKeys: shares });
        return this.hooks.onStage('shared', this.task);
      }
      case 'secaggInbox':
        this.inbox = body.secaggInbox;
        return this.maskWhenReady();
      case 'secaggSurvivorSet': {
        const signed = await this.protocol.consistency(body.secaggSurvivorSet);
        await this.hooks.send({ kind: 'secaggSurvivorSignature', secaggSurvivorSignature: signed });
        return this.hooks.onStage('confirmed', this.task);
      }
      case 'secaggUnmaskRequest': {
        const reveal = await this.protocol.unmask(body.secaggUnmaskRequest);
        await this.hooks.send({ kind: 'secaggUnmaskResponse', secaggUnmaskResponse: reveal });
        return this.hooks.onStage('unmasked', this.task);
      }
      default:
        return undefined;
    }
  }

  /** Local training finished: mask delta and metrics together, send as soon as the inbox is in. */
  async trained(delta: Weights, numExamples: number, metrics: Record<string, number> = {}): Promise<void> {
    this.result = { delta, numExamples, metrics };
    await this.maskWhenReady();
  }

  private async maskWhenReady(): Promise<void> {
    const { inbox, result } = this;
    if (!inbox || !result || this.maskedSent) return;
    this.maskedSent = true;
    const masked = await this.protocol.maskedInput(inbox, result.delta, result.numExamples, result.metrics);
    this.result = undefined;
    await this.hooks.send({ kind: 'secaggMasked', secaggMasked: masked });
    this.hooks.onStage('masked', this.task);
  }
}

/** Narrow a body to the SecAgg+ kinds. */
export function isSecAggBody(body: EnvelopeBody): body is SecAggBody {
  return body.kind.startsWith('secagg');
}
