/**
 * Keys and values for the end-to-end tests: rows of table 100's primary index keyed by a number,
 * and integer values as 8-byte big-endian signed numbers (the encoding Increment uses).
 */
import type { Key, Value } from '../../../proto/kv-api.js';
import { indexKeyPrefix, indexSpan, type KeySpan } from '../../../storage/keys.js';

const prefix = indexKeyPrefix(100, 1);

/** The key of row i (0 <= i < 2^32), in numeric order. */
export function rowKey(i: number): Key {
  const key = new Uint8Array(prefix.length + 4);
  key.set(prefix, 0);
  new DataView(key.buffer).setUint32(prefix.length, i, false);
  return key;
}

/** Every row of the test table. */
export const tableSpanAll: KeySpan = indexSpan(100, 1);

/** [rowKey(from), rowKey(to)). */
export function rowSpan(from: number, to: number): KeySpan {
  return { start: rowKey(from), end: rowKey(to) };
}

/** The row number of a key made by rowKey. */
export function rowOf(key: Key): number {
  return new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(prefix.length, false);
}

export function intValue(n: number | bigint): Value {
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigInt64(0, BigInt(n), false);
  return value;
}

/** The number in a value made by intValue (absent counts as 0, as for Increment). */
export function readInt(value: Value | undefined): number {
  if (value === undefined) return 0;
  return Number(new DataView(value.buffer, value.byteOffset, value.byteLength).getBigInt64(0, false));
}
