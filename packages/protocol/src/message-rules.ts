import { MAX_STREAM_ID_LENGTH, SHA256_BYTES } from './constants.js';
import { protocolErrors } from './errors.js';

// Semantic rules proto3 cannot express: fields a message is meaningless without, and Chunk bounds.
// Keyed by protobufjs fullName. "Required" means a non-empty string or byte string, or a present message.
export const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '.federa.v1.Challenge': ['nonce'],
  '.federa.v1.ClientHello': ['clientId'],
  '.federa.v1.Welcome': ['sessionId'],
  '.federa.v1.RoundTask': ['taskId', 'runId', 'modelHash', 'hyperparameters'],
  '.federa.v1.ModelRequest': ['runId'],
  '.federa.v1.ModelWeights': ['runId', 'hash'],
  '.federa.v1.WeightUpdate': ['taskId', 'runId'],
  '.federa.v1.Ack': ['ref'],
  '.federa.v1.Error': ['code'],
  '.federa.v1.Chunk': ['streamId', 'payloadSha256', 'chunkSha256', 'data'],
  // SecAgg+ (secagg.proto): the session, the parties and the key material are what each stage is about.
  '.federa.v1.SecAggSetup': ['sessionId'],
  '.federa.v1.AdvertiseKeys': ['runId', 'clientId', 'encryptionPublicKey', 'maskingPublicKey'],
  '.federa.v1.AdvertisedKey': ['clientId', 'encryptionPublicKey', 'maskingPublicKey'],
  '.federa.v1.AdvertisedRoster': ['runId', 'recipientId'],
  '.federa.v1.EncryptedShare': ['senderId', 'recipientId', 'ciphertext'],
  '.federa.v1.ShareKeys': ['runId', 'clientId'],
  '.federa.v1.ShareInbox': ['runId', 'recipientId'],
  '.federa.v1.MaskedInput': ['runId', 'clientId', 'words'],
  '.federa.v1.UnmaskRequest': ['runId', 'recipientId'],
  '.federa.v1.RevealedShare': ['ownerId', 'share'],
  '.federa.v1.UnmaskResponse': ['runId', 'clientId'],
  '.federa.v1.SurvivorSet': ['runId', 'recipientId'],
  '.federa.v1.SurvivorSetSignature': ['runId', 'clientId', 'signature'],
  '.federa.v1.SurvivorSignature': ['clientId', 'signature'],
  // Federated evaluation (evaluation.proto): a result must name the task it answers.
  '.federa.v1.EvaluateTask': ['taskId', 'runId', 'modelHash'],
  '.federa.v1.EvaluateResult': ['taskId', 'runId'],
  // Run membership (protocol 2): an end-of-run message must name the run and how it ended.
  '.federa.v1.RunEnded': ['runId', 'status'],
};

/**
 * The proto's name of a field (`numExamples` -> `num_examples`), for error messages: a client in another
 * language knows the schema's names, not ours. Every v1 field name is lower snake case.
 *
 * @example
 * protoFieldName('payloadSha256'); // 'payload_sha256'
 */
export function protoFieldName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isEmpty(value: unknown): boolean {
  if (typeof value === 'string') return value.length === 0;
  if (value instanceof Uint8Array) return value.byteLength === 0;
  return value === undefined || value === null;
}

function checkChunkBounds(chunk: Record<string, unknown>, path: string): void {
  const range = (what: string) => protocolErrors.create('FEDERA_ERR_PROTO_FIELD_RANGE', `${path}.${what}`);
  if ((chunk['streamId'] as string).length > MAX_STREAM_ID_LENGTH) throw range('stream_id too long');
  if ((chunk['payloadSha256'] as Uint8Array).byteLength !== SHA256_BYTES)
    throw range('payload_sha256 length');
  if ((chunk['chunkSha256'] as Uint8Array).byteLength !== SHA256_BYTES) throw range('chunk_sha256 length');
  const total = chunk['total'] as number;
  if (total < 1) throw range('total must be >= 1');
  if ((chunk['index'] as number) >= total) throw range('index must be < total');
}

/** True when `field` of `typeName` must be set (checked on the raw message for sub-messages). */
export function isRequired(typeName: string, field: string): boolean {
  return REQUIRED_FIELDS[typeName]?.includes(field) ?? false;
}

// A task must be trainable: batch_size 0 would stall a trainer's batch loop, epochs 0 trains nothing.
function checkHyperparameters(h: Record<string, unknown>, path: string): void {
  for (const name of ['localEpochs', 'batchSize']) {
    if ((h[name] as number) < 1)
      throw protocolErrors.create(
        'FEDERA_ERR_PROTO_FIELD_RANGE',
        `${path}.${protoFieldName(name)} must be >= 1`,
      );
  }
}

/** Throw MISSING_FIELD / FIELD_RANGE when a decoded message of `typeName` breaks a rule above. */
export function checkMessageRules(typeName: string, message: Record<string, unknown>, path: string): void {
  for (const name of REQUIRED_FIELDS[typeName] ?? []) {
    if (isEmpty(message[name]))
      throw protocolErrors.create('FEDERA_ERR_PROTO_MISSING_FIELD', `${path}.${protoFieldName(name)}`);
  }
  if (typeName === '.federa.v1.Chunk') checkChunkBounds(message, path);
  if (typeName === '.federa.v1.Hyperparameters') checkHyperparameters(message, path);
}

/** Fields that name what a message is about, in order of preference, for `Error.ref`. */
const REF_FIELDS = ['taskId', 'streamId', 'runId', 'clientId'] as const;

/**
 * What an error about this message refers to: the first non-empty `task_id`, `stream_id`, `run_id`
 * (a SecAgg+ stage's session id) or `client_id` it carries; works on raw and decoded messages.
 *
 * @example
 * messageRef({ taskId: 'r.1.1.ab', runId: 'r' }); // 'r.1.1.ab'
 */
export function messageRef(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  for (const field of REF_FIELDS) {
    const value = (message as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
