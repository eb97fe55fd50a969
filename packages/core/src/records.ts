/**
 * An empty object without a prototype, for keys chosen by the network or a data file (feature names,
 * categories, labels): `constructor` or `__proto__` are then ordinary keys and writes never reach
 * `Object.prototype`.
 *
 * @example
 * const counts = nullRecord<number>();
 * counts['constructor'] = 1; // an own key; Object is untouched
 */
export function nullRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * `record[key]` only when it is the record's own property: a parsed JSON object still inherits
 * `constructor`, `toString`, ... from `Object.prototype`.
 *
 * @example
 * ownValue(JSON.parse('{}'), 'constructor'); // undefined, not Object
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
