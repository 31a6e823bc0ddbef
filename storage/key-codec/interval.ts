/**
 * interval keys, and the span that orders intervals.
 *
 * PostgreSQL compares intervals by their total span in microseconds, converting with "1 month = 30
 * days and 1 day = 24 hours" (the factors of manual 8.5.4; interval_cmp_value in
 * src/backend/utils/adt/timestamp.c computes the span in 128 bits). So '1 mon' = '30 days' =
 * '720 hours', and the key holds the span alone, as a varint. Decoding returns the canonical
 * interval of that span (see intervalFromSpanMicros), equal to the original in PostgreSQL's sense
 * but not always field for field: the row value, stored apart from the key, keeps the fields.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { Interval } from './datum.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { int8Max, int8Min, intervalFieldMax, intervalFieldMin } from './limits.js';
import { decodeVarintBig, encodeVarintBig } from './varint.js';

export const MICROS_PER_DAY = 86_400_000_000n;
export const MICROS_PER_MONTH = 30n * MICROS_PER_DAY;

const fieldMinBig = BigInt(intervalFieldMin);
const fieldMaxBig = BigInt(intervalFieldMax);

/** The span of the smallest and the largest interval PostgreSQL can hold. */
export const intervalSpanMicrosMin = fieldMinBig * MICROS_PER_MONTH + fieldMinBig * MICROS_PER_DAY + int8Min;
export const intervalSpanMicrosMax = fieldMaxBig * MICROS_PER_MONTH + fieldMaxBig * MICROS_PER_DAY + int8Max;

/** months × 30 days + days × 24 hours + micros, exactly: the quantity PostgreSQL compares. */
export function intervalSpanMicros(interval: Interval): bigint {
  return BigInt(interval.months) * MICROS_PER_MONTH + BigInt(interval.days) * MICROS_PER_DAY + interval.micros;
}

/**
 * The canonical interval of a span: as many whole 30-day months as fit, then whole days, then
 * microseconds, each truncated toward zero so that all three share the span's sign ('-1 mon +1 day'
 * becomes '-29 days'; '45 days' becomes '1 mon 15 days'). Months and days are clamped to the int32
 * range and the excess left to the next field, which keeps every span an interval can have
 * representable (at most (2^31-1) × 31 days + (2^63-1) µs).
 */
export function intervalFromSpanMicros(span: bigint): Interval {
  assert(span >= intervalSpanMicrosMin && span <= intervalSpanMicrosMax, `interval span out of range: ${span}`);
  const months = clamp(span / MICROS_PER_MONTH);
  const afterMonths = span - months * MICROS_PER_MONTH;
  const days = clamp(afterMonths / MICROS_PER_DAY);
  const micros = afterMonths - days * MICROS_PER_DAY;
  return { months: Number(months), days: Number(days), micros };
}

export function encodeInterval(writer: ByteWriter, value: Interval): void {
  assert(typeof value === 'object' && value !== null, 'interval key of a non-object');
  const { months, days, micros } = value;
  assert(Number.isInteger(months) && months >= intervalFieldMin && months <= intervalFieldMax, `interval months out of range: ${months}`);
  assert(Number.isInteger(days) && days >= intervalFieldMin && days <= intervalFieldMax, `interval days out of range: ${days}`);
  assert(typeof micros === 'bigint' && micros >= int8Min && micros <= int8Max, `interval micros out of range: ${micros}`);
  encodeVarintBig(writer, intervalSpanMicros(value));
}

export function decodeInterval(reader: KeyReader, mask: ByteMask): Interval {
  const start = reader.offset;
  const span = decodeVarintBig(reader, mask);
  if (span < intervalSpanMicrosMin || span > intervalSpanMicrosMax) throw reader.error('interval key out of range', start);
  return intervalFromSpanMicros(span);
}

/** Truncated quotients beyond int32 take the nearest int32; the remainder carries the rest. */
function clamp(quotient: bigint): bigint {
  return quotient < fieldMinBig ? fieldMinBig : quotient > fieldMaxBig ? fieldMaxBig : quotient;
}
