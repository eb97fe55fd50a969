import {
  type SecAggParams,
  SecAggServer,
  type TensorSpec,
  type Weights,
  advertisementSigningInput,
  decodeAggregate,
  paramCount,
  secaggErrors,
  survivorSetSigningInput,
  unflattenWeights,
} from '@federa/core';
import type { SecAggBody, SecAggSetup, WeightUpdate } from '@federa/protocol';
import { randomId } from '../rounds/random-id.js';
import type { RoundCollector, RoundInit } from '../rounds/round-collector.js';
import type { Participation } from '../runs/run-types.js';
import type { DeviceDirectory } from './device-directory.js';
import { secaggRoundErrors } from './errors.js';
import { sharedMaskWorkerPool } from './node-mask-expander.js';
import { closeSession, openSession } from './sessions.js';
import { StageGate } from './stage-gate.js';

/** One MaskedInput exactly as the coordinator received it (what a test may audit). */
export interface ReceivedMaskedInput {
  sessionId: string;
  clientId: string;
  words: Uint8Array;
}

/** Options of {@link SecAggRound}. */
export interface SecAggRoundOptions {
  params: SecAggParams;
  /** Advertise, share and unmask stages each wait at most this long for stragglers. */
  stageTimeoutMs: number;
  /** Below this many clients in a stage the attempt cannot commit: stop waiting. */
  minClients: number;
  /** Enrolled device keys: relayed and checked in malicious-server mode (required there). */
  devices?: DeviceDirectory;
  /**
   * Turns the unmasked mean of the survivors' deltas into the round's delta; default: as is.
   * A DP strategy adds its noise here (the coordinator never sees the individual deltas);
   * `metrics` are the unmasked weighted means of the metrics summed inside the mask.
   */
  finish?: (mean: Weights, survivors: number, metrics: Readonly<Record<string, number>>) => Weights;
}

/** A stage message the coordinator accepted (for tests that act on server-side progress). */
export interface AcceptedStageMessage {
  sessionId: string;
  clientId: string;
  kind: SecAggBody['kind'];
}

const maskedInputTaps = new Set<(m: ReceivedMaskedInput) => void>();
const acceptedTaps = new Set<(m: AcceptedStageMessage) => void>();

/**
 * A round attempt under SecAgg+ (Bonawitz et al. 2017, §4; Bell et al. 2020):
 * the coordinator relays keys and sealed shares, sums masked inputs as they
 * arrive and, in {@link aggregate}, unmasks only the sum. No individual update
 * is ever decoded, logged or stored here; plain updates are refused.
 *
 * @example
 * const round = new SecAggRound(init, specs, { params, stageTimeoutMs: 10_000, minClients: 3 });
 * task.secagg = round.secagg; // then clients drive the stages through routeSecAgg
 */
export class SecAggRound implements RoundCollector {
  readonly participants: Participation[] = [];
  readonly allAnswered: Promise<void>;
  /** What every sampled client's RoundTask carries. */
  readonly secagg: SecAggSetup;
  private readonly server: Promise<SecAggServer>;
  private readonly sampled: string[];
  private readonly gate: StageGate;
  private readonly unmaskGate: StageGate;
  private phase: 'advertise' | 'share' | 'mask' | 'closed' = 'advertise';
  private aggregating = false;
  /** While aggregating: waiting for survivor-set signatures (malicious-server mode), then for reveals. */
  private awaiting: 'signatures' | 'reveals' = 'reveals';
  private readonly malicious: boolean;
  private readonly gone = new Set<string>();
  private finishAnswers!: () => void;
  private unmaskedMetrics: Record<string, number> = {};

  /**
   * Test hook: observe every MaskedInput the coordinator receives, before it is
   * summed. Returns the unsubscribe function.
   */
  static tapMaskedInputs(listener: (m: ReceivedMaskedInput) => void): () => void {
    maskedInputTaps.add(listener);
    return () => maskedInputTaps.delete(listener);
  }

  /** Test hook: observe every stage message once accepted. Returns the unsubscribe function. */
  static tapAccepted(listener: (m: AcceptedStageMessage) => void): () => void {
    acceptedTaps.add(listener);
    return () => acceptedTaps.delete(listener);
  }

  constructor(
    readonly init: RoundInit,
    private readonly specs: readonly TensorSpec[],
    private readonly opts: SecAggRoundOptions,
  ) {
    const sessionId = `${init.runId}#${init.attempt}.${randomId()}`;
    this.sampled = [...init.tasks.values()];
    const threat = opts.params.threat ?? 'honest-but-curious';
    this.malicious = threat === 'malicious-server';
    if (this.malicious && !opts.devices)
      throw secaggErrors.create('FEDERA_ERR_SECAGG_IDENTITY_REQUIRED', 'no device registry');
    this.secagg = {
      sessionId,
      ...opts.params,
      metricNames: [...opts.params.metricNames],
      threat,
      minInputs: opts.params.minInputs ?? 0,
    };
    this.allAnswered = new Promise((resolve) => {
      this.finishAnswers = resolve;
    });
    const pool = sharedMaskWorkerPool();
    pool.prepare(); // warm while clients train, not when the round unmasks
    this.server = SecAggServer.create({
      runId: sessionId,
      round: init.round,
      sampled: this.sampled,
      params: opts.params,
      vectorLength: paramCount(specs),
      maskExpander: pool.expand,
      ...(opts.devices ? { deviceKeyOf: (id: string) => opts.devices!.keyOf(id) } : {}),
    });
    this.gate = new StageGate(opts.stageTimeoutMs, () => void this.advance());
    this.unmaskGate = new StageGate(opts.stageTimeoutMs, () => undefined);
    this.gate.arm();
    openSession(sessionId, this);
  }

  clientOf(taskId: string): string | undefined {
    return this.init.tasks.get(taskId);
  }

  /** Secure rounds never take a plain update: it would expose one client's delta. */
  accept(_clientId: string, update: WeightUpdate): Participation {
    throw secaggRoundErrors.create('FEDERA_ERR_SECAGG_PLAIN_UPDATE', update.taskId);
  }

  /** Handle one client's stage message; typed errors leave the round unchanged. */
  async receive(clientId: string, body: SecAggBody): Promise<void> {
    const server = await this.server;
    this.accept_(server, clientId, body);
    for (const tap of acceptedTaps) tap({ sessionId: this.secagg.sessionId, clientId, kind: body.kind });
    this.checkStage(server);
  }

  private accept_(server: SecAggServer, clientId: string, body: SecAggBody): void {
    const from = (id: string) => {
      if (id !== clientId) throw secaggRoundErrors.create('FEDERA_ERR_SECAGG_SENDER_MISMATCH', id);
    };
    switch (body.kind) {
      case 'secaggAdvertise':
        from(body.secaggAdvertise.clientId);
        // An honest coordinator drops a badly signed advert at once, so it cannot make neighbours abort.
        this.requireSigned(
          clientId,
          advertisementSigningInput(body.secaggAdvertise),
          body.secaggAdvertise.signature,
        );
        server.receiveAdvertise(body.secaggAdvertise);
        return;
      case 'secaggShareKeys':
        from(body.secaggShareKeys.clientId);
        server.receiveShares(body.secaggShareKeys);
        return;
      case 'secaggMasked': {
        const m = body.secaggMasked;
        from(m.clientId);
        if (this.participants.some((p) => p.clientId === clientId))
          throw secaggErrors.create('FEDERA_ERR_SECAGG_DUPLICATE', `MaskedInput from ${clientId}`);
        if (this.phase === 'closed') throw secaggErrors.create('FEDERA_ERR_SECAGG_WRONG_STAGE', 'closed');
        for (const tap of maskedInputTaps)
          tap({ sessionId: this.secagg.sessionId, clientId, words: m.words });
        server.receiveMasked(m);
        // Weights and metrics stay private: the record shows who took part; metrics() gives their means.
        this.participants.push({ clientId, numExamples: 0, metrics: {} });
        return;
      }
      case 'secaggSurvivorSignature': {
        const m = body.secaggSurvivorSignature;
        from(m.clientId);
        const survivors = server.participants('masked');
        this.requireSigned(
          clientId,
          survivorSetSigningInput(m.runId, m.round, clientId, survivors),
          m.signature,
        );
        server.receiveSurvivorSignature(m);
        return;
      }
      case 'secaggUnmaskResponse':
        from(body.secaggUnmaskResponse.clientId);
        server.receiveUnmask(body.secaggUnmaskResponse);
        return;
      default:
        throw secaggRoundErrors.create('FEDERA_ERR_SECAGG_UNEXPECTED_KIND', body.kind);
    }
  }

  /** A sampled client disconnected: the stage it was in no longer waits for it. */
  dropped(clientId: string): void {
    if (!this.sampled.includes(clientId) || this.gone.has(clientId)) return;
    this.gone.add(clientId);
    void this.server.then((server) => this.checkStage(server));
  }

  /** End the current stage early once everyone still connected has answered it. */
  private checkStage(server: SecAggServer): void {
    const allIn = (done: readonly string[], of: readonly string[]) => {
      const answered = new Set(done);
      return of.every((id) => answered.has(id) || this.gone.has(id));
    };
    const advertised = server.participants('advertised');
    const shared = server.participants('shared');
    const masked = server.participants('masked');
    if (this.phase === 'advertise' && allIn(advertised, this.sampled)) this.gate.open();
    else if (this.phase === 'share' && allIn(shared, advertised)) this.gate.open();
    else if (this.phase === 'mask' && allIn(masked, shared)) this.finishAnswers();
    else if (this.aggregating && this.awaiting === 'signatures') {
      if (allIn(server.participants('signed'), masked)) this.unmaskGate.open();
    } else if (this.aggregating) {
      const asked = this.malicious ? server.participants('signed') : masked;
      if (allIn(server.participants('unmasked'), asked)) this.unmaskGate.open();
    }
  }

  /** Malicious-server mode: a signature must verify with the client's enrolled key (typed 403 otherwise). */
  private requireSigned(clientId: string, data: Uint8Array, signature: Uint8Array | undefined): void {
    if (!this.malicious) return;
    if (!signature || !this.opts.devices!.verify(clientId, data, signature))
      throw secaggErrors.create('FEDERA_ERR_SECAGG_BAD_SIGNATURE', clientId);
  }

  /** Stop taking masked inputs; returns the sampled clients whose input never arrived. */
  close(): string[] {
    this.gate.cancel();
    if (this.phase !== 'closed') {
      this.phase = 'closed';
      if (this.participants.length < this.opts.minClients) closeSession(this.secagg.sessionId, this);
      // A stopped run never calls aggregate(): do not keep the session forever.
      else
        setTimeout(() => {
          if (!this.aggregating) closeSession(this.secagg.sessionId, this);
        }, 2 * this.opts.stageTimeoutMs).unref();
    }
    const masked = new Set(this.participants.map((p) => p.clientId));
    return this.sampled.filter((id) => !masked.has(id));
  }

  /**
   * Unmasking (stage 4) with its own timeout, then Σ w·Δ / Σ w split per tensor.
   * Throws FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET when some secret lacks t shares.
   */
  async aggregate(): Promise<Weights> {
    this.aggregating = true;
    const server = await this.server;
    try {
      this.close();
      let survivors = server.participants('masked');
      if (survivors.length === 0) throw secaggErrors.create('FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET', 'nobody');
      if (this.malicious) survivors = await this.consistencyCheck(server, survivors);
      this.awaiting = 'reveals';
      for (const id of survivors) {
        const request = server.unmaskRequest(id);
        this.send(id, { kind: 'secaggUnmaskRequest', secaggUnmaskRequest: request });
        this.expectAbortBelowThreshold(id, request.survivors.length);
      }
      this.unmaskGate.arm();
      this.checkStage(server);
      await this.unmaskGate.opened;
      const result = await server.finish();
      const decoded = decodeAggregate(result.sum, this.opts.params, result.survivors.length);
      this.unmaskedMetrics = decoded.metrics;
      const mean = unflattenWeights(this.specs, decoded.weightedMeanDelta);
      return this.opts.finish ? this.opts.finish(mean, result.survivors.length, decoded.metrics) : mean;
    } finally {
      this.unmaskGate.cancel();
      closeSession(this.secagg.sessionId, this);
    }
  }

  /**
   * The consistency check (Bonawitz et al. 2017, §4, round 4): every survivor signs U3; returns
   * the signers (U4), the only clients then asked to unmask, each with its neighbours' signatures.
   */
  private async consistencyCheck(server: SecAggServer, survivors: readonly string[]): Promise<string[]> {
    this.awaiting = 'signatures';
    for (const id of survivors)
      this.send(id, { kind: 'secaggSurvivorSet', secaggSurvivorSet: server.survivorSet(id) });
    this.unmaskGate.arm();
    this.checkStage(server);
    await this.unmaskGate.opened;
    const signers = server.participants('signed');
    if (signers.length < this.opts.minClients)
      throw secaggErrors.create(
        'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET',
        `${signers.length} signed the survivor set`,
      );
    return signers;
  }

  /** Weighted means of the metrics the clients summed inside the mask; empty until unmasked. */
  metrics(): Record<string, number> {
    return { ...this.unmaskedMetrics };
  }

  /** Close the current stage (all in, or timed out) and send the next stage's messages. */
  private async advance(): Promise<void> {
    const server = await this.server;
    if (this.phase === 'advertise') {
      this.phase = 'share';
      const advertised = server.participants('advertised');
      if (advertised.length < this.opts.minClients) return this.finishAnswers();
      for (const id of advertised) {
        const roster = server.roster(id);
        this.send(id, { kind: 'secaggRoster', secaggRoster: roster });
        this.expectAbortBelowThreshold(id, roster.neighbours.length);
      }
      if (advertised.filter((id) => !this.gone.has(id)).length < this.opts.minClients)
        return this.finishAnswers();
      this.gate.arm();
      this.checkStage(server);
    } else if (this.phase === 'share') {
      this.phase = 'mask';
      const shared = server.participants('shared');
      if (shared.length < this.opts.minClients) return this.finishAnswers();
      for (const id of shared) {
        const inbox = server.inboxFor(id);
        this.send(id, { kind: 'secaggInbox', secaggInbox: inbox });
        this.expectAbortBelowThreshold(id, inbox.shares.length);
      }
      if (shared.filter((id) => !this.gone.has(id)).length < this.opts.minClients)
        return this.finishAnswers();
      this.checkStage(server);
    }
  }

  /** A client told of fewer than t neighbours aborts (Bonawitz et al. 2017, §4): do not wait for it. */
  private expectAbortBelowThreshold(clientId: string, neighbours: number): void {
    if (neighbours < this.opts.params.threshold) this.gone.add(clientId);
  }

  private send(clientId: string, body: Parameters<RoundInit['send']>[1]): void {
    // A failed send is a dropout; the stage timeout and the threshold handle it.
    this.init.send(clientId, body).catch(() => undefined);
  }
}
