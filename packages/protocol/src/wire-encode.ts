import { protobuf } from './schema.js';
import { enumNumber, INT32_TYPES, LONG_TYPES, UINT32_TYPES } from './wire-scalars.js';

type Plain = Record<string, unknown>;

function fail(path: string, why: string): never {
  throw new TypeError(`cannot encode ${path}: ${why}`);
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function encodeScalar(field: protobuf.Field, value: unknown, path: string): unknown {
  const t = field.type;
  if (UINT32_TYPES.has(t) && !isIntegerIn(value, 0, 0xffff_ffff)) fail(path, 'expected a uint32');
  if (INT32_TYPES.has(t) && !isIntegerIn(value, -0x8000_0000, 0x7fff_ffff)) fail(path, 'expected an int32');
  const unsignedLong = t === 'uint64' || t === 'fixed64';
  if (
    LONG_TYPES.has(t) &&
    !isIntegerIn(value, unsignedLong ? 0 : -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  ) {
    fail(path, 'expected a safe integer');
  }
  if ((t === 'double' || t === 'float') && !Number.isFinite(value)) fail(path, 'expected a finite number');
  if (t === 'string' && typeof value !== 'string') fail(path, 'expected a string');
  if (t === 'bool' && typeof value !== 'boolean') fail(path, 'expected a boolean');
  if (t === 'bytes' && !(value instanceof Uint8Array)) fail(path, 'expected a Uint8Array');
  return value;
}

function encodeValue(field: protobuf.Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) {
    if (typeof value !== 'object' || value === null) fail(path, 'expected an object');
    return toWire(type, value as Plain, path);
  }
  if (type instanceof protobuf.Enum) {
    const n = enumNumber(type, value);
    return n === undefined ? fail(path, `unknown ${type.name} ${String(value)}`) : n;
  }
  return encodeScalar(field, value, path);
}

/**
 * A plain messages.ts object -> what protobufjs `Type.encode` expects, checking every value's type and
 * range first (protobufjs would silently wrap or coerce). Undefined fields are left at their default.
 * Programmer mistakes, so TypeError rather than FederaError.
 */
export function toWire(type: protobuf.Type, message: Plain, path: string): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    const at = `${path}.${field.name}`;
    if (value === undefined || value === null) continue;
    if (field.map) {
      if (typeof value !== 'object') fail(at, 'expected a record');
      const entries = Object.entries(value as Plain);
      out[field.name] = Object.fromEntries(
        entries.map(([k, v]) => [k, encodeValue(field, v, `${at}[${k}]`)]),
      );
    } else if (field.repeated) {
      if (!Array.isArray(value)) fail(at, 'expected an array');
      out[field.name] = value.map((v, i) => encodeValue(field, v, `${at}[${i}]`));
    } else {
      out[field.name] = encodeValue(field, value, at);
    }
  }
  return out;
}
