#!/usr/bin/env node
// Standalone checker for proto/testdata (needs only Node >= 18 and protobufjs): for every golden frame,
// the .bin has the listed sha256, decodes with proto/federa/v1/*.proto to the listed proto3 JSON, and that
// JSON encodes back to a frame that decodes to the same JSON. Exit 0 when all hold.
// Usage: node proto/testdata/check.mjs [testdata dir]
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';

const DEFAULT_DIR = dirname(fileURLToPath(import.meta.url));

/** Every proto/federa/v1/*.proto, loaded with the proto's own (snake_case) field names. */
export function loadSchema(protoDir = resolve(DEFAULT_DIR, '..')) {
  const files = readdirSync(join(protoDir, 'federa/v1'))
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `federa/v1/${f}`);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

const isLong = (t) => ['uint64', 'int64', 'sint64', 'fixed64', 'sfixed64'].includes(t);

function scalarJson(field, value) {
  if (field.resolvedType instanceof protobuf.Enum) return field.resolvedType.valuesById[value] ?? value;
  if (field.type === 'bytes') return Buffer.from(value).toString('base64');
  if (isLong(field.type)) return String(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

function isDefault(field, value) {
  if (field.resolvedType instanceof protobuf.Type) return false;
  if (field.type === 'bytes') return value.length === 0;
  if (isLong(field.type)) return String(value) === '0';
  return value === 0 || value === '' || value === false;
}

function valueJson(field, value) {
  return field.resolvedType instanceof protobuf.Type
    ? toProtoJson(field.resolvedType, value)
    : scalarJson(field, value);
}

/**
 * The proto3 JSON mapping with proto field names (what protobuf's MessageToDict(preserving_proto_field_name=True)
 * gives): default scalars omitted outside oneofs, bytes base64, 64-bit integers as decimal strings, enums by name,
 * map keys sorted.
 */
export function toProtoJson(type, message) {
  const out = {};
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) {
      const keys = Object.keys(value).sort();
      if (keys.length > 0)
        out[field.name] = Object.fromEntries(keys.map((k) => [k, valueJson(field, value[k])]));
    } else if (field.repeated) {
      if (value.length > 0) out[field.name] = value.map((v) => valueJson(field, v));
    } else if (field.partOf || !isDefault(field, value)) {
      out[field.name] = valueJson(field, value);
    }
  }
  return out;
}

/** The listed goldens, each checked; returns the failures (empty when all pass). */
export function check(dir = DEFAULT_DIR) {
  const envelope = loadSchema(resolve(dir, '..')).lookupType('federa.v1.Envelope');
  const { frames, streams } = JSON.parse(readFileSync(join(dir, 'goldens.json'), 'utf8'));
  const failures = [];
  for (const golden of frames) {
    const bin = readFileSync(join(dir, golden.file));
    const fail = (why) => failures.push(`${golden.file}: ${why}`);
    if (createHash('sha256').update(bin).digest('hex') !== golden.sha256) fail('sha256 differs');
    const json = JSON.stringify(toProtoJson(envelope, envelope.decode(bin)));
    if (json !== JSON.stringify(golden.json)) fail(`decodes to ${json}`);
    const again = envelope.encode(envelope.fromObject(golden.json)).finish();
    if (JSON.stringify(toProtoJson(envelope, envelope.decode(again))) !== JSON.stringify(golden.json))
      fail('the JSON does not re-encode to the same message');
  }
  for (const stream of streams) failures.push(...checkStream(dir, envelope, stream));
  return { count: frames.length + streams.length, failures };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** A Chunk stream: pieces in order, each chunk_sha256 right, and together exactly the payload frame. */
function checkStream(dir, envelope, stream) {
  const payload = readFileSync(join(dir, stream.payload));
  const chunks = stream.chunks.map((file) => envelope.decode(readFileSync(join(dir, file))).chunk);
  const failures = [];
  const fail = (why) => failures.push(`stream of ${stream.payload}: ${why}`);
  chunks.forEach((c, i) => {
    if (c.index !== i || c.total !== chunks.length || Number(c.total_bytes) !== payload.length)
      fail(`chunk ${i} bounds`);
    if (!sha256(c.data).equals(Buffer.from(c.chunk_sha256))) fail(`chunk ${i} chunk_sha256`);
    if (!sha256(payload).equals(Buffer.from(c.payload_sha256))) fail(`chunk ${i} payload_sha256`);
  });
  if (!Buffer.concat(chunks.map((c) => c.data)).equals(payload))
    fail('the pieces do not join to the payload');
  return failures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { count, failures } = check(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_DIR);
  for (const f of failures) console.error(`FAIL ${f}`);
  console.log(`${count - failures.length}/${count} golden frames and streams ok`);
  process.exit(failures.length === 0 ? 0 : 1);
}
