// fast-check generators of valid messages, shared by the protocol tests (excluded from the build).
import fc from 'fast-check';
import { PROTOCOL_VERSION } from '../constants.js';
import type {
  Ack,
  Capabilities,
  Challenge,
  Chunk,
  ClientHello,
  Credentials,
  Envelope,
  EnvelopeBody,
  Hyperparameters,
  ModelRequest,
  ModelWeights,
  RoundTask,
  RunEnded,
  WeightUpdate,
  Welcome,
  WireError,
  WireTensor,
} from '../messages.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.maxSafeNat();
const text = fc.string({ maxLength: 12 });
const id = fc.string({ minLength: 1, maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 24 });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const sha = fc.uint8Array({ minLength: 32, maxLength: 32 });
// protobufjs decodes maps by assignment, so a "__proto__" key cannot survive; real metric names never are.
const record = fc.dictionary(
  text.filter((k) => k !== '__proto__'),
  finite,
  { maxKeys: 4, noNullPrototype: true },
);

export const wireTensor: fc.Arbitrary<WireTensor> = fc.record({
  name: text,
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  dtype: fc.constantFrom('float32' as const, 'int32' as const),
  data: bytes,
});
const capabilities: fc.Arbitrary<Capabilities> = fc.record({
  backend: text,
  maxMessageBytes: u32,
  secureAggregation: fc.boolean(),
  features: fc.array(text, { maxLength: 3 }),
});
const credentials: fc.Arbitrary<Credentials> = fc.record({
  token: text,
  publicKey: bytes,
  signature: bytes,
  keyAlgorithm: text,
});
const challenge: fc.Arbitrary<Challenge> = fc.record({
  nonce: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  protocolVersion: u32,
});
const hello: fc.Arbitrary<ClientHello> = fc.record({
  clientId: id,
  credentials,
  protocolVersion: u32,
  capabilities,
  sdkVersion: text,
  runIds: fc.array(id, { maxLength: 3 }),
});
const welcome: fc.Arbitrary<Welcome> = fc.record({
  sessionId: id,
  protocolVersion: u32,
  chunkBytes: u32,
  maxMessageBytes: u32,
  runIds: fc.array(id, { maxLength: 3 }),
});
const runEnded: fc.Arbitrary<RunEnded> = fc.record({
  runId: id,
  status: fc.constantFrom('completed', 'stopped', 'failed'),
  finalVersion: u32,
  completedRounds: u32,
  reason: text,
});
const hyperparameters: fc.Arbitrary<Hyperparameters> = fc.record({
  localEpochs: fc.integer({ min: 1, max: 0xffff_ffff }),
  batchSize: fc.integer({ min: 1, max: 0xffff_ffff }),
  learningRate: finite,
  extra: record,
});
const task: fc.Arbitrary<RoundTask> = fc.record({
  taskId: id,
  runId: id,
  round: u32,
  modelVersion: u32,
  modelHash: id,
  hyperparameters,
  deadlineUnixMs: u64,
  attempt: u32,
});
const modelRequest: fc.Arbitrary<ModelRequest> = fc.record({ runId: id, modelVersion: u32 });
const model: fc.Arbitrary<ModelWeights> = fc.record({
  runId: id,
  version: u32,
  hash: id,
  topologyJson: text,
  tensors: fc.array(wireTensor, { maxLength: 3 }),
});
const update: fc.Arbitrary<WeightUpdate> = fc.record({
  taskId: id,
  runId: id,
  round: u32,
  baseVersion: u32,
  numExamples: u64,
  metrics: record,
  tensors: fc.array(wireTensor, { maxLength: 3 }),
});
const ack: fc.Arbitrary<Ack> = fc.record({ ref: id, status: text });
const error: fc.Arbitrary<WireError> = fc.record({
  code: id,
  message: text,
  retryable: fc.boolean(),
  httpStatus: u32,
  ref: text,
});
const chunk: fc.Arbitrary<Chunk> = fc
  .record({
    streamId: fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' }),
    total: fc.integer({ min: 1, max: 1000 }),
    indexSeed: fc.nat(),
    totalBytes: u64,
    payloadSha256: sha,
    chunkSha256: sha,
    data: fc.uint8Array({ minLength: 1, maxLength: 24 }),
  })
  .map(({ indexSeed, ...c }) => ({ ...c, index: indexSeed % c.total }));

/** Any valid EnvelopeBody, every kind. */
export const envelopeBody: fc.Arbitrary<EnvelopeBody> = fc.oneof(
  challenge.map((challenge) => ({ kind: 'challenge' as const, challenge })),
  hello.map((hello) => ({ kind: 'hello' as const, hello })),
  welcome.map((welcome) => ({ kind: 'welcome' as const, welcome })),
  task.map((task) => ({ kind: 'task' as const, task })),
  modelRequest.map((modelRequest) => ({ kind: 'modelRequest' as const, modelRequest })),
  model.map((model) => ({ kind: 'model' as const, model })),
  update.map((update) => ({ kind: 'update' as const, update })),
  ack.map((ack) => ({ kind: 'ack' as const, ack })),
  error.map((error) => ({ kind: 'error' as const, error })),
  chunk.map((chunk) => ({ kind: 'chunk' as const, chunk })),
  runEnded.map((runEnded) => ({ kind: 'runEnded' as const, runEnded })),
);

/** Any valid Envelope of this protocol version. */
export const anyEnvelope: fc.Arbitrary<Envelope> = envelopeBody.map((body) => ({
  protocolVersion: PROTOCOL_VERSION,
  body,
}));
