/**
 * The one place where database values become JSON. PostgreSQL BIGINT columns (file sizes) come
 * back as `bigint`, which JSON.stringify rejects: a bigint becomes a number when it is a safe
 * integer (every realistic byte count) and a decimal string otherwise, so no value is ever
 * silently rounded. Dates become ISO strings as usual.
 */
export function bigintToJson(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Replacer for JSON.stringify(value, jsonReplacer). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? bigintToJson(value) : value;
}

type Jsonify<T> = T extends bigint
  ? number | string
  : T extends Date
    ? string
    : T extends (infer U)[]
      ? Jsonify<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;

/** A deep copy of `value` that JSON.stringify accepts, typed accordingly (for API responses). */
export function toJson<T>(value: T): Jsonify<T> {
  return JSON.parse(JSON.stringify(value, jsonReplacer)) as Jsonify<T>;
}
