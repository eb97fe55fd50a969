export {
  CHUNK_FRAME_OVERHEAD,
  CLIENT_ID_PATTERN,
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_OPEN_STREAMS,
  FEDERA_EVENT,
  MAX_STREAM_ID_LENGTH,
  PROTOCOL_VERSION,
} from './constants.js';
export type {
  Ack,
  Capabilities,
  Challenge,
  Chunk,
  ClientHello,
  Credentials,
  Envelope,
  EnvelopeBody,
  EnvelopeKind,
  EvaluateResult,
  EvaluateTask,
  Hyperparameters,
  ModelRequest,
  ModelWeights,
  RoundTask,
  RunEndStatus,
  RunEnded,
  SecAggBody,
  SecAggSetup,
  Welcome,
  WeightUpdate,
  WireDType,
  WireError,
  WireTensor,
} from './messages.js';
export { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
export { tensorsFromWeights, weightsFromTensors } from './tensors.js';
export { canonicalWeightsBytes, hashWeights, sha256, toHex } from './hash.js';
export { chunkPayload, newStreamId, toFrames } from './frames.js';
export { FrameReader } from './frame-reader.js';
export {
  POLLING_FRAME_OVERHEAD,
  maxFrameBytes,
  pollingFrameBytes,
  transportMaxBytes,
} from './transport-limits.js';
export type { FrameReaderLimits } from './frame-reader.js';
export { errorBody, errorFromWire, protocolErrors } from './errors.js';
export { messageRef } from './message-rules.js';
export type { ProtocolErrorCode } from './errors.js';
export type { ClientToServerEvents, ServerToClientEvents } from './socket-events.js';
export { featureStatsSigningInput, helloSigningInput } from './hello-signing.js';
