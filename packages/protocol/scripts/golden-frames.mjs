// Renders proto/testdata/ from encoded frames: each frame as frames/<envelope field>-<body>.bin, goldens.json
// (sha256, size and proto3 JSON of each) and federa.v1.desc (a FileDescriptorSet for implementations
// without a .proto parser). src/golden-frames.test.ts feeds it the reference encoder's frames and compares
// the result with the files; `npm run gen -w @federa/protocol` rewrites them.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { loadSchema, toProtoJson } from '../../../proto/testdata/check.mjs';

export const testdataDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../proto/testdata');

/** protoc's name of a map field's entry type: `metrics` -> `MetricsEntry`. */
const entryName = (field) => `${field.replace(/(^|_)([a-z])/g, (_m, _u, c) => c.toUpperCase())}Entry`;

// protobufjs names map entries `Metrics` and marks proto3 `optional` only by a synthetic oneof;
// protoc (and so every other runtime's descriptor pool) wants `MetricsEntry` and proto3_optional.
function protocCompatible(message) {
  for (const nested of message.nestedType) {
    const field = message.field.find((f) => f.typeName === nested.name && nested.options?.mapEntry);
    if (!field) continue;
    nested.name = entryName(field.name);
    field.typeName = nested.name;
  }
  for (const field of message.field) {
    const oneof = field.oneofIndex === undefined ? undefined : message.oneofDecl[field.oneofIndex];
    if (oneof?.name === `_${field.name}`) field.proto3Optional = true;
  }
  for (const nested of message.nestedType) protocCompatible(nested);
}

/** federa/v1 as one FileDescriptorSet (binary), loadable by any protobuf runtime's descriptor pool. */
export function descriptorSet() {
  const set = loadSchema(resolve(testdataDir, '..')).toDescriptor('proto3');
  for (const file of set.file) {
    file.name = 'federa/v1/federa.proto';
    for (const message of file.messageType) protocCompatible(message);
  }
  return descriptor.FileDescriptorSet.encode(set).finish();
}

/**
 * Every file of proto/testdata/ that is generated, by relative path.
 * @param {Array<{ name: string; bytes: Uint8Array }>} frames
 * @param {Array<{ payload: string; chunks: string[] }>} streams frame names: a payload and its Chunk frames
 */
export function renderGoldens(frames, streams) {
  const envelope = loadSchema(resolve(testdataDir, '..')).lookupType('federa.v1.Envelope');
  const files = new Map();
  const listed = frames.map(({ name, bytes }) => {
    const file = `frames/${name}.bin`;
    files.set(file, Buffer.from(bytes));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { file, bytes: bytes.byteLength, sha256, json: toProtoJson(envelope, envelope.decode(bytes)) };
  });
  const goldens = {
    about:
      'Envelopes as the reference encoder (@federa/protocol) writes them; see README.md. Generated: do not edit.',
    frames: listed,
    streams: streams.map((s) => ({
      payload: `frames/${s.payload}.bin`,
      chunks: s.chunks.map((c) => `frames/${c}.bin`),
    })),
  };
  files.set('goldens.json', `${JSON.stringify(goldens, null, 2)}\n`);
  files.set('federa.v1.desc', Buffer.from(descriptorSet()));
  return files;
}
