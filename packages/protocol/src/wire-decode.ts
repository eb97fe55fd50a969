import { protocolErrors } from './errors.js';
import { checkMessageRules, isRequired, protoFieldName } from './message-rules.js';
import { protobuf } from './schema.js';
import { enumName, LONG_TYPES, safeIntegerFromLong } from './wire-scalars.js';

type Plain = Record<string, unknown>;

function range(path: string, why: string) {
  return protocolErrors.create('FEDERA_ERR_PROTO_FIELD_RANGE', `${path} ${why}`);
}

function decodeScalar(field: protobuf.Field, value: unknown, path: string): unknown {
  if (LONG_TYPES.has(field.type)) {
    if (value === undefined || value === null) return 0;
    const n = safeIntegerFromLong(value, field.type === 'uint64' || field.type === 'fixed64');
    if (n === undefined) throw range(path, 'exceeds Number.MAX_SAFE_INTEGER');
    return n;
  }
  switch (field.type) {
    case 'bytes':
      // Copy: protobufjs returns views into the received frame (or pooled Buffers in Node).
      return value instanceof Uint8Array || Array.isArray(value) ? Uint8Array.from(value) : new Uint8Array(0);
    case 'string':
      return typeof value === 'string' ? value : '';
    case 'bool':
      return value === true;
    case 'double':
    case 'float':
      if (value !== undefined && value !== null && !Number.isFinite(value))
        throw range(path, 'is not finite');
      return value ?? 0;
    default:
      return value ?? 0;
  }
}

function decodeValue(field: protobuf.Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return fromWire(type, value as Plain | null | undefined, path);
  if (type instanceof protobuf.Enum) {
    const name = enumName(type, value);
    if (name !== undefined) return name;
    const code = type.name === 'DType' ? 'FEDERA_ERR_PROTO_TENSOR_DTYPE' : 'FEDERA_ERR_PROTO_FIELD_RANGE';
    throw protocolErrors.create(code, `${path} = ${String(value)}`);
  }
  return decodeScalar(field, value, path);
}

/**
 * A protobufjs-decoded message -> the plain camelCase object of messages.ts: absent sub-messages become
 * their defaults, 64-bit ints become safe numbers, bytes are copied, enums become lowercase names, and
 * the rules of message-rules.ts are enforced. Throws FederaError only.
 */
export function fromWire(type: protobuf.Type, message: Plain | null | undefined, path: string): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const value = message?.[field.name];
    const at = `${path}.${protoFieldName(field.name)}`;
    const absent = value === undefined || value === null;
    if (field.partOf && absent) continue;
    if (absent && field.resolvedType instanceof protobuf.Type && isRequired(type.fullName, field.name)) {
      throw protocolErrors.create('FEDERA_ERR_PROTO_MISSING_FIELD', at);
    }
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Plain);
      out[field.name] = Object.fromEntries(
        entries.map(([k, v]) => [k, decodeValue(field, v, `${at}[${k}]`)]),
      );
    } else if (field.repeated) {
      const items = (value ?? []) as unknown[];
      out[field.name] = items.map((v, i) => decodeValue(field, v, `${at}[${i}]`));
    } else {
      out[field.name] = decodeValue(field, value, at);
    }
  }
  checkMessageRules(type.fullName, out, path);
  return out;
}
