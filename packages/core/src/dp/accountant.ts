import { type RdpConversion, epsilonFromRdp } from './conversion.js';
import { DEFAULT_RDP_ORDERS, sampledGaussianRdp } from './rdp.js';

/** Settings of a {@link PrivacyAccountant}. */
export interface PrivacyAccountantOptions {
  /** Per-round client sampling rate q = clientsPerRound / population (Poisson-sampling analysis). */
  readonly samplingRate: number;
  /** Noise multiplier z of the Gaussian mechanism. */
  readonly noiseMultiplier: number;
  /** Target δ. */
  readonly delta: number;
  /** RDP orders α > 1; defaults to {@link DEFAULT_RDP_ORDERS}. */
  readonly orders?: readonly number[];
  /** RDP → (ε, δ) conversion; default 'improved'. */
  readonly conversion?: RdpConversion;
}

/** JSON form of an accountant, for persistence with the run. */
export interface PrivacyAccountantJson extends Required<Omit<PrivacyAccountantOptions, 'orders'>> {
  readonly orders: number[];
  readonly steps: number;
}

/**
 * Tracks the privacy spent by repeated rounds of the sampled Gaussian
 * mechanism with RDP (Mironov, Talwar & Zhang 2019): RDP composes additively
 * over rounds at each order α, and ε is the best (ε, δ) conversion over the
 * orders. One step = one round of DP-FedAvg at user level.
 *
 * @example
 * const acct = new PrivacyAccountant({ samplingRate: 0.01, noiseMultiplier: 1.1, delta: 1e-5 });
 * acct.step(100);
 * if (acct.budgetExhausted(8)) stopRun();
 */
export class PrivacyAccountant {
  private readonly options: Required<PrivacyAccountantOptions>;
  private readonly rdpPerStep: readonly number[];
  private stepCount = 0;

  constructor(options: PrivacyAccountantOptions) {
    const { samplingRate: q, noiseMultiplier: z, delta } = options;
    if (!(q > 0 && q <= 1)) throw new RangeError(`samplingRate must be in (0, 1], got ${q}`);
    if (!(z >= 0 && Number.isFinite(z))) throw new RangeError(`noiseMultiplier must be ≥ 0, got ${z}`);
    if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
    const orders = options.orders ?? DEFAULT_RDP_ORDERS;
    if (orders.length === 0 || orders.some((a) => !(a > 1))) throw new RangeError('orders must all be > 1');
    this.options = { ...options, orders, conversion: options.conversion ?? 'improved' };
    this.rdpPerStep = orders.map((alpha) => sampledGaussianRdp(q, z, alpha));
  }

  /** Rounds accounted so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Account for `n` more rounds. */
  step(n = 1): void {
    if (!(Number.isInteger(n) && n >= 0))
      throw new RangeError(`step count must be a non-negative integer, got ${n}`);
    this.stepCount += n;
  }

  /** Total RDP at each order after the steps so far (composition: RDP adds up). */
  rdp(): number[] {
    return this.rdpPerStep.map((r) => r * this.stepCount);
  }

  /** ε such that the run so far is (ε, δ)-DP; 0 before any step. */
  epsilon(): number {
    return this.spent().epsilon;
  }

  /** ε and the order that achieves it. */
  spent(): { epsilon: number; order: number } {
    if (this.stepCount === 0) return { epsilon: 0, order: Number.NaN };
    return epsilonFromRdp(this.options.orders, this.rdp(), this.options.delta, this.options.conversion);
  }

  /** True once ε exceeds `epsilonBudget`; the coordinator should then stop the run. */
  budgetExhausted(epsilonBudget: number): boolean {
    return this.epsilon() > epsilonBudget;
  }

  /** Plain-object form for persistence. */
  toJSON(): PrivacyAccountantJson {
    const { orders, ...rest } = this.options;
    return { ...rest, orders: [...orders], steps: this.stepCount };
  }

  /** Restore an accountant saved with {@link PrivacyAccountant.toJSON}. */
  static fromJSON(json: PrivacyAccountantJson): PrivacyAccountant {
    const { steps, ...options } = json;
    const accountant = new PrivacyAccountant(options);
    accountant.step(steps);
    return accountant;
  }
}
