import type { protobuf } from './schema.js';

/** protobufjs field types that decode to Long (or number when Long is unavailable). */
export const LONG_TYPES: ReadonlySet<string> = new Set(['uint64', 'int64', 'sint64', 'fixed64', 'sfixed64']);
/** Unsigned 32-bit types (varint and fixed). */
export const UINT32_TYPES: ReadonlySet<string> = new Set(['uint32', 'fixed32']);
/** Signed 32-bit types. */
export const INT32_TYPES: ReadonlySet<string> = new Set(['int32', 'sint32', 'sfixed32']);

/** A 64-bit value as protobufjs hands it over: a number, or a Long-like {low, high, unsigned}. */
interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

/**
 * Exact 64-bit value as a JS number, or undefined when it is not a safe integer. Converting ourselves
 * keeps protobufjs' global `util.Long` untouched for other users in the same process.
 */
export function safeIntegerFromLong(value: unknown, unsigned: boolean): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'object' || value === null || !('low' in value) || !('high' in value))
    return undefined;
  const { low, high } = value as LongLike;
  const hi = unsigned ? BigInt(high >>> 0) : BigInt(high | 0);
  const big = (hi << 32n) + BigInt(low >>> 0);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return big > limit || big < -limit ? undefined : Number(big);
}

/** `DTYPE_FLOAT32` -> `float32`: strip the prefix its UNSPECIFIED (zero) value carries, lowercase. */
function enumPrefix(type: protobuf.Enum): string {
  return (type.valuesById[0] ?? '').replace(/UNSPECIFIED$/, '');
}

/** Wire enum number -> lowercase name, or undefined for UNSPECIFIED and unknown numbers. */
export function enumName(type: protobuf.Enum, value: unknown): string | undefined {
  if (typeof value !== 'number' || value === 0) return undefined;
  const name = type.valuesById[value];
  return name === undefined ? undefined : name.slice(enumPrefix(type).length).toLowerCase();
}

/** Lowercase name -> wire enum number, or undefined when the enum has no such (non-zero) value. */
export function enumNumber(type: protobuf.Enum, name: unknown): number | undefined {
  if (typeof name !== 'string') return undefined;
  const value = type.values[enumPrefix(type) + name.toUpperCase()];
  return value === 0 ? undefined : value;
}
