// TypeScript mirrors of proto/federa/v1/*.proto, field for field in camelCase. Bytes are Uint8Array,
// uint32/uint64 are number (uint64 above Number.MAX_SAFE_INTEGER is rejected on decode).
// The SecAgg+ stage messages (secagg.proto) are the plain objects of @federa/core's secagg module.
import type {
  AdvertiseKeys,
  AdvertisedRoster,
  MaskedInput,
  SecAggThreat,
  ShareInbox,
  ShareKeys,
  SurvivorSet,
  SurvivorSetSignature,
  UnmaskRequest,
  UnmaskResponse,
} from '@federa/core';

/** Element type of a tensor's raw bytes (`federa.v1.DType`, UNSPECIFIED is rejected on decode). */
export type WireDType = 'float32' | 'int32';

/** `federa.v1.Tensor`: `data` is product(shape) little-endian elements, row-major, no padding. */
export interface WireTensor {
  name: string;
  shape: number[];
  dtype: WireDType;
  data: Uint8Array;
}

/** `federa.v1.Capabilities`: what the client can do. */
export interface Capabilities {
  backend: string;
  maxMessageBytes: number;
  secureAggregation: boolean;
  features: string[];
}

/** `federa.v1.Credentials`: bearer token in v1; signature fields once enrolment keys exist. */
export interface Credentials {
  token: string;
  publicKey: Uint8Array;
  signature: Uint8Array;
  keyAlgorithm: string;
}

/** `federa.v1.Challenge`: server -> client, first message after connect. `nonce` is required. */
export interface Challenge {
  nonce: Uint8Array;
  protocolVersion: number;
}

/** `federa.v1.ClientHello`: client -> server, first message of a session. `clientId` is required. */
export interface ClientHello {
  clientId: string;
  credentials: Credentials;
  protocolVersion: number;
  capabilities: Capabilities;
  sdkVersion: string;
  /** Protocol 2: the runs this client joins; it is sent tasks, models and evaluations of these only. */
  runIds: string[];
}

/** `federa.v1.Welcome`: server -> client, accepts the hello. `sessionId` is required. */
export interface Welcome {
  sessionId: string;
  protocolVersion: number;
  chunkBytes: number;
  maxMessageBytes: number;
  /** The runs the client is a member of for this session. */
  runIds: string[];
}

/** `federa.v1.Hyperparameters`: local training settings for one round. */
export interface Hyperparameters {
  localEpochs: number;
  batchSize: number;
  learningRate: number;
  extra: Record<string, number>;
}

/**
 * `federa.v1.SecAggSetup`: a secure-aggregation round's session and parameters (the
 * `SecAggParams` of @federa/core). Stage messages of the attempt carry `sessionId` as their `runId`.
 */
export interface SecAggSetup {
  sessionId: string;
  sampledCount: number;
  neighbours: number;
  threshold: number;
  clipRange: number;
  quantizationBits: number;
  modulusBits: number;
  maxWeight: number;
  metricNames: string[];
  metricRange: number;
  /** `honest-but-curious` or `malicious-server` (signed adverts and the consistency check). */
  threat: SecAggThreat;
  /** The round's floor on inputs in a revealed sum. */
  minInputs: number;
}

/** `federa.v1.RoundTask`: train on this version. `taskId`, `runId`, `modelHash` are required. */
export interface RoundTask {
  taskId: string;
  runId: string;
  round: number;
  modelVersion: number;
  modelHash: string;
  hyperparameters: Hyperparameters;
  deadlineUnixMs: number;
  attempt: number;
  /** Present when the round runs SecAgg+: answer with the secagg stages instead of an `update`. */
  secagg?: SecAggSetup;
}

/** `federa.v1.ModelRequest`: send me the weights of this version. `runId` is required. */
export interface ModelRequest {
  runId: string;
  modelVersion: number;
}

/** `federa.v1.ModelWeights`: one model version, tensors in getWeights() order. `runId`, `hash` required. */
export interface ModelWeights {
  runId: string;
  version: number;
  hash: string;
  topologyJson: string;
  tensors: WireTensor[];
}

/** `federa.v1.WeightUpdate`: tensors hold delta = local - global. `taskId`, `runId` are required. */
export interface WeightUpdate {
  taskId: string;
  runId: string;
  round: number;
  baseVersion: number;
  numExamples: number;
  metrics: Record<string, number>;
  tensors: WireTensor[];
}

/** `federa.v1.Ack`: acknowledges a task or stream by reference. `ref` is required. */
export interface Ack {
  ref: string;
  status: string;
}

/** `federa.v1.Error`: a typed error. `code` is required. */
export interface WireError {
  code: string;
  message: string;
  retryable: boolean;
  httpStatus: number;
  ref: string;
}

/** `federa.v1.Chunk`: one piece of an Envelope too large for one frame. */
export interface Chunk {
  streamId: string;
  index: number;
  total: number;
  totalBytes: number;
  payloadSha256: Uint8Array;
  chunkSha256: Uint8Array;
  data: Uint8Array;
}

/** `federa.v1.EvaluateTask`: score this version on local test data. `taskId`, `runId`, `modelHash` required. */
export interface EvaluateTask {
  taskId: string;
  runId: string;
  modelVersion: number;
  modelHash: string;
  deadlineUnixMs: number;
  /** Inference batch size; 0 lets the client choose. */
  batchSize: number;
}

/** `federa.v1.EvaluateResult`: examples scored and metrics (`loss`, `accuracy`). `taskId`, `runId` required. */
export interface EvaluateResult {
  taskId: string;
  runId: string;
  modelVersion: number;
  /** 0 when the client has no test data: counted as answered, weighs nothing. */
  numExamples: number;
  metrics: Record<string, number>;
}

/** How a run ended, as `RunEnded.status` carries it. */
export type RunEndStatus = 'completed' | 'stopped' | 'failed';

/** `federa.v1.RunEnded`: server -> member, one of its runs ended. `runId`, `status` are required. */
export interface RunEnded {
  runId: string;
  /** `completed`, `stopped` or `failed` (other strings are refused by the client). */
  status: string;
  finalVersion: number;
  completedRounds: number;
  reason: string;
}

/** The `body` oneof of `federa.v1.Envelope`; `kind` is the oneof field name. */
export type EnvelopeBody =
  | { kind: 'challenge'; challenge: Challenge }
  | { kind: 'hello'; hello: ClientHello }
  | { kind: 'welcome'; welcome: Welcome }
  | { kind: 'task'; task: RoundTask }
  | { kind: 'modelRequest'; modelRequest: ModelRequest }
  | { kind: 'model'; model: ModelWeights }
  | { kind: 'update'; update: WeightUpdate }
  | { kind: 'ack'; ack: Ack }
  | { kind: 'error'; error: WireError }
  | { kind: 'chunk'; chunk: Chunk }
  | { kind: 'secaggAdvertise'; secaggAdvertise: AdvertiseKeys }
  | { kind: 'secaggRoster'; secaggRoster: AdvertisedRoster }
  | { kind: 'secaggShareKeys'; secaggShareKeys: ShareKeys }
  | { kind: 'secaggInbox'; secaggInbox: ShareInbox }
  | { kind: 'secaggMasked'; secaggMasked: MaskedInput }
  | { kind: 'secaggUnmaskRequest'; secaggUnmaskRequest: UnmaskRequest }
  | { kind: 'secaggUnmaskResponse'; secaggUnmaskResponse: UnmaskResponse }
  | { kind: 'secaggSurvivorSet'; secaggSurvivorSet: SurvivorSet }
  | { kind: 'secaggSurvivorSignature'; secaggSurvivorSignature: SurvivorSetSignature }
  | { kind: 'evaluateTask'; evaluateTask: EvaluateTask }
  | { kind: 'evaluateResult'; evaluateResult: EvaluateResult }
  | { kind: 'runEnded'; runEnded: RunEnded };

/** The SecAgg+ stage kinds (proto/federa/v1/secagg.proto, Envelope fields 20-28). */
export type SecAggBody = Extract<EnvelopeBody, { kind: `secagg${string}` }>;

/** Every body kind. */
export type EnvelopeKind = EnvelopeBody['kind'];

/** `federa.v1.Envelope`: the only frame on the wire. */
export interface Envelope {
  protocolVersion: number;
  body: EnvelopeBody;
}
