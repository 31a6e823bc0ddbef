/**
 * Key spans as the concurrency structures see them: [start, end), where a point key k is the span
 * [k, k + 0x00) — the smallest key after k — so that points and ranges overlap by one rule.
 */
import type { Bytes } from '../../../storage/engine.js';

export interface KeyRange {
  readonly start: Bytes;
  /** Exclusive. */
  readonly end: Bytes;
}

/** The key right after k in bytewise order: k followed by 0x00. */
export function keyNext(key: Bytes): Bytes {
  const out = new Uint8Array(key.length + 1);
  out.set(key, 0);
  return out;
}

export function compare(a: Bytes, b: Bytes): number {
  return Buffer.compare(a, b);
}

export function overlaps(a: KeyRange, b: KeyRange): boolean {
  return compare(a.start, b.end) < 0 && compare(b.start, a.end) < 0;
}

export function containsKey(range: KeyRange, key: Bytes): boolean {
  return compare(range.start, key) <= 0 && compare(key, range.end) < 0;
}
