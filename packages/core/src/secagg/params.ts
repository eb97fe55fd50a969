import { secaggErrors } from './errors.js';

/**
 * Whom the round defends against: an honest-but-curious coordinator (keys unsigned), or a malicious
 * one (signed key adverts and the consistency check, Bonawitz et al. 2017 §4; needs device identity).
 */
export type SecAggThreat = 'honest-but-curious' | 'malicious-server';

/** The threat models, in order of strength. */
export const SECAGG_THREATS: readonly SecAggThreat[] = ['honest-but-curious', 'malicious-server'];

/**
 * Absolute floor on how many inputs a revealed sum may hold, whatever t and the configuration say:
 * a client refuses to unmask a smaller sum (with one input the sum is that input; with two, one
 * colluding client gives away the other).
 */
export const MIN_SUM_INPUTS = 3;

/** Run option: every field may be left out and is then derived by {@link deriveSecAggParams}. */
export interface SecAggConfig {
  /** k: neighbours per client; sampledCount - 1 gives the complete graph of Bonawitz et al. 2017. */
  readonly neighbours?: number;
  /** t: shares needed to reconstruct a client's secrets; must exceed k/2. */
  readonly threshold?: number;
  /** c: each delta value is clipped to [-c, c] (default 8, as in Flower). */
  readonly clipRange?: number;
  /** b: a delta of magnitude c at weight 1 quantizes to 2^(b-1). Default: the most that cannot overflow. */
  readonly quantizationBits?: number;
  /** m: words are integers mod 2^m, m <= 32 (default 32). */
  readonly modulusBits?: number;
  /** W: example counts are clipped to W before weighting (default 1024). */
  readonly maxWeight?: number;
  /** Client metrics (e.g. `train_loss`) summed inside the masked vector, so only their weighted means are learnt (default none). */
  readonly metrics?: readonly string[];
  /** R: each metric is clipped to [-R, R] before quantization (default 64). */
  readonly metricRange?: number;
  /** Expected fraction of clients lost during the round, used to size k (default 0.1). */
  readonly dropoutRate?: number;
  /**
   * Accepted chance that a round fails for lack of shares at that dropout rate, used to size k
   * (default 0.01: a failed round is retried with a new sample; see docs/security.md for the trade-off).
   */
  readonly failureProbability?: number;
  /** Default honest-but-curious; the coordinator defaults to malicious-server when device identity is required. */
  readonly threat?: SecAggThreat;
  /** Clients refuse to unmask a sum of fewer inputs (default max(t, MIN_SUM_INPUTS); never below that). */
  readonly minInputs?: number;
}

/** Resolved parameters, identical on the server and every client of a round. */
export interface SecAggParams {
  readonly sampledCount: number;
  readonly neighbours: number;
  readonly threshold: number;
  readonly clipRange: number;
  readonly quantizationBits: number;
  readonly modulusBits: number;
  readonly maxWeight: number;
  readonly metricNames: readonly string[];
  readonly metricRange: number;
  /** Absent means honest-but-curious. */
  readonly threat?: SecAggThreat;
  /** The configured floor on inputs in a revealed sum; clients use max(this, t, MIN_SUM_INPUTS). */
  readonly minInputs?: number;
}

/** At most this many metrics ride in a masked vector, each name at most 64 characters. */
export const MAX_SECAGG_METRICS = 16;

/**
 * Default accepted probability, per round, that more than k - t of some client's neighbours drop
 * at the expected dropout rate. k also sets the collusion margin (t = floor(k/2) + 1 colluding
 * neighbours unmask a client), so the default stays conservative: 2^-20 gives k = 34 for n = 100
 * at 10 % dropout. A deployment that trusts its server more may raise it (docs/security.md).
 */
export const ROUND_FAILURE_TARGET = 2 ** -20;

/**
 * Fill in a round's parameters for `sampledCount` clients and check that the
 * sum of all quantized weighted updates fits in [-2^(m-1), 2^(m-1)).
 * k is the smallest even degree (Harary graph, Bell et al. 2020, §3) with at
 * least 2·log2(n) neighbours whose chance of losing more than k - t neighbours
 * at `dropoutRate` stays below `failureProbability` (2^-20 by default) per round; t = floor(k/2) + 1.
 *
 * @example
 * const params = deriveSecAggParams(100, { clipRange: 1 }); // k = 16, t = 9, b = 15
 */
export function deriveSecAggParams(sampledCount: number, config: SecAggConfig = {}): SecAggParams {
  const n = sampledCount;
  if (!Number.isInteger(n) || n < 3) invalid(`need at least 3 sampled clients, got ${n}`);
  const m = config.modulusBits ?? 32;
  if (!Number.isInteger(m) || m < 8 || m > 32) invalid(`modulusBits ${m} must be in [8, 32]`);
  const c = config.clipRange ?? 8;
  if (!(Number.isFinite(c) && c > 0)) invalid(`clipRange ${c} must be positive`);
  const w = config.maxWeight ?? 1024;
  if (!Number.isInteger(w) || w < 1) invalid(`maxWeight ${w} must be a positive integer`);
  const dropout = config.dropoutRate ?? 0.1;
  if (!(dropout >= 0 && dropout < 0.5)) invalid(`dropoutRate ${dropout} must be in [0, 0.5)`);
  const failure = config.failureProbability ?? ROUND_FAILURE_TARGET;
  if (!(failure > 0 && failure < 1)) invalid(`failureProbability ${failure} must be in (0, 1)`);
  const k = config.neighbours ?? defaultNeighbours(n, dropout, failure);
  const t = config.threshold ?? Math.floor(k / 2) + 1;
  const headroom = Math.floor((2 ** (m - 1) - 1) / (n * w));
  const maxBits = headroom >= 1 ? Math.min(24, 1 + Math.floor(Math.log2(headroom))) : 0;
  const b = config.quantizationBits ?? maxBits;
  const params = {
    sampledCount: n,
    neighbours: k,
    threshold: t,
    clipRange: c,
    quantizationBits: b,
    modulusBits: m,
    maxWeight: w,
    metricNames: [...(config.metrics ?? [])],
    metricRange: config.metricRange ?? 64,
    threat: config.threat ?? 'honest-but-curious',
    minInputs: config.minInputs ?? Math.max(MIN_SUM_INPUTS, t),
  };
  validateSecAggParams(params);
  return params;
}

/**
 * Throw a typed error unless `params` are self-consistent and overflow-free:
 * n·W·2^(b-1) <= 2^(m-1) - 1 bounds |Σ q_i| and n·W < 2^m bounds Σ w_i.
 */
export function validateSecAggParams(p: SecAggParams): void {
  const {
    sampledCount: n,
    neighbours: k,
    threshold: t,
    quantizationBits: b,
    modulusBits: m,
    maxWeight: w,
  } = p;
  if (!Number.isInteger(n) || n < 3) invalid(`need at least 3 sampled clients, got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n - 1) invalid(`neighbours ${k} must be in [2, ${n - 1}]`);
  if (k < n - 1 && k % 2 !== 0) invalid(`neighbours ${k} must be even unless it is n - 1 (Harary graph)`);
  if (!Number.isInteger(t) || t <= k / 2 || t > k)
    invalid(`threshold ${t} must be in (k/2, k] = (${k / 2}, ${k}]`);
  if (!Number.isInteger(m) || m < 8 || m > 32) invalid(`modulusBits ${m} must be in [8, 32]`);
  if (!(Number.isFinite(p.clipRange) && p.clipRange > 0))
    invalid(`clipRange ${p.clipRange} must be positive`);
  if (!Number.isInteger(w) || w < 1) invalid(`maxWeight ${w} must be a positive integer`);
  const names = p.metricNames;
  if (!Array.isArray(names) || names.length > MAX_SECAGG_METRICS || new Set(names).size !== names.length)
    invalid(`metricNames must be at most ${MAX_SECAGG_METRICS} distinct names`);
  if (names.some((name) => typeof name !== 'string' || name.length < 1 || name.length > 64))
    invalid('each metric name must have 1 to 64 characters');
  if (!(Number.isFinite(p.metricRange) && p.metricRange > 0))
    invalid(`metricRange ${p.metricRange} must be positive`);
  if (p.threat !== undefined && !SECAGG_THREATS.includes(p.threat))
    invalid(`threat must be one of ${SECAGG_THREATS.join(', ')}`);
  const floor = p.minInputs;
  if (floor !== undefined && (!Number.isInteger(floor) || floor < 0 || floor > n))
    invalid(`minInputs ${floor} must be an integer in [0, ${n}]`);
  if (!Number.isInteger(b) || b < 1 || b > 30) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_OVERFLOW',
      `quantizationBits ${b} must be in [1, 30] and fit`,
    );
  }
  if (n * w * 2 ** (b - 1) > 2 ** (m - 1) - 1) {
    throw secaggErrors.create(
      'FEDERA_ERR_SECAGG_OVERFLOW',
      `${n} clients × weight ${w} × 2^${b - 1} exceeds 2^${m - 1} - 1; lower quantizationBits or maxWeight`,
    );
  }
}

/**
 * Largest absolute error, per coordinate, of the decoded weighted mean against
 * the exact weighted mean of the clipped deltas with clipped weights: half a
 * quantization step c/2^(b-1) (deterministic rounding, Σw >= number of clients)
 * plus float32 rounding of the result and of a float32 reference (2 × c·2^-24).
 *
 * @example
 * quantizationErrorBound(deriveSecAggParams(10)); // ≈ 8 / 2^24 + 8 / 2^23
 */
export function quantizationErrorBound(params: SecAggParams): number {
  return params.clipRange / 2 ** params.quantizationBits + params.clipRange * 2 ** -23;
}

/**
 * Fewest inputs a client lets a revealed sum hold: the round's configured floor, the threshold t
 * and the absolute {@link MIN_SUM_INPUTS}, and the client's own (a coordinator cannot lower it).
 */
export function sumFloor(params: SecAggParams, clientMinimum = 0): number {
  return Math.max(MIN_SUM_INPUTS, params.threshold, params.minInputs ?? 0, clientMinimum);
}

function defaultNeighbours(n: number, dropout: number, failure: number): number {
  const minimum = 2 * Math.ceil(Math.log2(n));
  for (let k = Math.max(2, minimum + (minimum % 2)); k < n - 1; k += 2) {
    const t = Math.floor(k / 2) + 1;
    if (n * binomialTailBelow(k, 1 - dropout, t) <= failure) return k;
  }
  return n - 1;
}

/** P(Bin(k, q) < t), summed in log space. */
function binomialTailBelow(k: number, q: number, t: number): number {
  if (q >= 1) return 0;
  let total = 0;
  let logChoose = 0;
  for (let i = 0; i < t; i++) {
    if (i > 0) logChoose += Math.log((k - i + 1) / i);
    total += Math.exp(logChoose + i * Math.log(q) + (k - i) * Math.log1p(-q));
  }
  return total;
}

function invalid(detail: string): never {
  throw secaggErrors.create('FEDERA_ERR_SECAGG_CONFIG_INVALID', detail);
}
