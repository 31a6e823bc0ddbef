/**
 * date, time, timestamp and timestamptz keys: integers as varints. date and the timestamps put
 * '-infinity' and 'infinity' in tags of their own just below and above every varint, since
 * PostgreSQL's -infinity is "earlier than all other" dates and time stamps and infinity "later
 * than all other" ones (manual 8.5.1.4). timestamptz keys hold the UTC instant: PostgreSQL compares
 * timestamptz values as instants, whatever zone they were written in.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import { TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS } from './datum.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { dateDaysMax, dateDaysMin, timeMicrosMax, timestampMicrosMax, timestampMicrosMin } from './limits.js';
import { TAG_INFINITY, TAG_MINUS_INFINITY } from './tags.js';
import { decodeVarint, decodeVarintBig, encodeVarint, encodeVarintBig } from './varint.js';

export function encodeDate(writer: ByteWriter, days: number): void {
  assert(typeof days === 'number', 'date key of a non-number');
  if (days === -Infinity) return writer.byte(TAG_MINUS_INFINITY);
  if (days === Infinity) return writer.byte(TAG_INFINITY);
  assert(Number.isInteger(days) && days >= dateDaysMin && days <= dateDaysMax, `date key out of range: ${days}`);
  encodeVarint(writer, days === 0 ? 0 : days); // -0 days is day 0
}

export function decodeDate(reader: KeyReader, mask: ByteMask): number {
  const start = reader.offset;
  const tag = peekTag(reader, mask);
  if (tag === TAG_MINUS_INFINITY || tag === TAG_INFINITY) {
    reader.offset++;
    return tag === TAG_INFINITY ? Infinity : -Infinity;
  }
  const days = decodeVarint(reader, mask);
  if (days < dateDaysMin || days > dateDaysMax) throw reader.error('date key out of range', start);
  return days;
}

export function encodeTimestamp(writer: ByteWriter, micros: bigint): void {
  assert(typeof micros === 'bigint', 'timestamp key of a non-bigint');
  if (micros === TIMESTAMP_MINUS_INFINITY_MICROS) return writer.byte(TAG_MINUS_INFINITY);
  if (micros === TIMESTAMP_INFINITY_MICROS) return writer.byte(TAG_INFINITY);
  assert(micros >= timestampMicrosMin && micros <= timestampMicrosMax, `timestamp key out of range: ${micros}`);
  encodeVarintBig(writer, micros);
}

export function decodeTimestamp(reader: KeyReader, mask: ByteMask): bigint {
  const start = reader.offset;
  const tag = peekTag(reader, mask);
  if (tag === TAG_MINUS_INFINITY || tag === TAG_INFINITY) {
    reader.offset++;
    return tag === TAG_INFINITY ? TIMESTAMP_INFINITY_MICROS : TIMESTAMP_MINUS_INFINITY_MICROS;
  }
  const micros = decodeVarintBig(reader, mask);
  if (micros < timestampMicrosMin || micros > timestampMicrosMax) throw reader.error('timestamp key out of range', start);
  return micros;
}

export function encodeTime(writer: ByteWriter, micros: bigint): void {
  assert(typeof micros === 'bigint' && micros >= 0n && micros <= timeMicrosMax, `time key out of range: ${micros}`);
  encodeVarintBig(writer, micros);
}

export function decodeTime(reader: KeyReader, mask: ByteMask): bigint {
  const start = reader.offset;
  const micros = decodeVarintBig(reader, mask);
  if (micros < 0n || micros > timeMicrosMax) throw reader.error('time key out of range', start);
  return micros;
}

/** The next byte unmasked, or undefined at the end (the varint decoder then reports it). */
function peekTag(reader: KeyReader, mask: ByteMask): number | undefined {
  const byte = reader.peek();
  return byte === undefined ? undefined : byte ^ mask;
}
