/**
 * Order-preserving variable-length integers: a smaller integer always encodes to smaller bytes, so
 * small values (table ids, most primary keys) take one or two bytes and yet keys stay ordered.
 *
 * The first byte says where the value lies:
 *
 *   0x30..0x3f  negative, followed by n = 0x40 - tag bytes (0x30: 16 bytes .. 0x3f: 1 byte)
 *               holding value + 256^n, big-endian (so a longer negative is a more negative one)
 *   0x40..0xbf  the values 0..127 themselves
 *   0xc0..0xcf  128 or more, followed by n = tag - 0xbf bytes (1..16) holding value - 128
 *
 * n is always the fewest bytes that hold the payload: a payload of two or more bytes never starts
 * with 0x00 (positive) or 0xff (negative). The decoder refuses any other form, so every integer
 * has exactly one encoding. Non-negative integers encode the same in the signed and the unsigned
 * (`encodeUvarintAscending`) functions.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { varintPayloadBytesMax } from './limits.js';
import { TAG_VARINT_MAX, TAG_VARINT_MIN } from './tags.js';

const TAG_ZERO = 0x40;
const INLINE_COUNT = 0x80;
/** Tag of a positive value with n payload bytes is TAG_POSITIVE_BASE + n. */
const TAG_POSITIVE_BASE = TAG_ZERO + INLINE_COUNT - 1;
const TAG_NEGATIVE_ONE_BYTE = TAG_ZERO - 1;

assert(TAG_ZERO - varintPayloadBytesMax === TAG_VARINT_MIN, 'negative tags must start at TAG_VARINT_MIN');
assert(TAG_POSITIVE_BASE + varintPayloadBytesMax === TAG_VARINT_MAX, 'positive tags must end at TAG_VARINT_MAX');

const INLINE_COUNT_BIG = BigInt(INLINE_COUNT);
const SAFE_MAX_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Writes a safe integer. */
export function encodeVarint(writer: ByteWriter, value: number): void {
  assert(Number.isSafeInteger(value), `varint of a non-integer or unsafe number: ${value}`);
  if (value >= 0 && value < INLINE_COUNT) {
    writer.byte(TAG_ZERO + value);
    return;
  }
  // A positive payload is value - 128; a negative one is written as the complement of -value - 1,
  // which equals value + 256^n without computing 256^n (inexact beyond 2^53).
  const negative = value < 0;
  let payload = negative ? -value - 1 : value - INLINE_COUNT;
  const payloadBytes = numberByteLength(payload);
  const start = writer.length;
  const buffer = writer.reserve(1 + payloadBytes);
  buffer[start] = negative ? TAG_ZERO - payloadBytes : TAG_POSITIVE_BASE + payloadBytes;
  const complement = negative ? 0xff : 0x00;
  for (let i = start + payloadBytes; i > start; i--) {
    const low = payload % 256;
    buffer[i] = low ^ complement;
    payload = (payload - low) / 256;
  }
  writer.advanceTo(start + 1 + payloadBytes);
}

/** Writes a bigint whose payload fits in varintPayloadBytesMax bytes (every int64 does). */
export function encodeVarintBig(writer: ByteWriter, value: bigint): void {
  if (value >= -SAFE_MAX_BIG && value <= SAFE_MAX_BIG) {
    encodeVarint(writer, Number(value));
    return;
  }
  const negative = value < 0n;
  let payload = negative ? -value - 1n : value - INLINE_COUNT_BIG;
  const payloadBytes = bigByteLength(payload);
  assert(payloadBytes <= varintPayloadBytesMax, `varint out of range: ${value}`);
  const start = writer.length;
  const buffer = writer.reserve(1 + payloadBytes);
  buffer[start] = negative ? TAG_ZERO - payloadBytes : TAG_POSITIVE_BASE + payloadBytes;
  const complement = negative ? 0xff : 0x00;
  for (let i = start + payloadBytes; i > start; i--) {
    buffer[i] = Number(payload & 0xffn) ^ complement;
    payload >>= 8n;
  }
  writer.advanceTo(start + 1 + payloadBytes);
}

/** Reads a varint that must be a safe integer. */
export function decodeVarint(reader: KeyReader, mask: ByteMask): number {
  const start = reader.offset;
  const tag = reader.byte(mask);
  if (tag >= TAG_ZERO && tag < TAG_ZERO + INLINE_COUNT) return tag - TAG_ZERO;
  const negative = checkTag(reader, tag);
  const payloadBytes = negative ? TAG_ZERO - tag : tag - TAG_POSITIVE_BASE;
  // Accumulating in a double is exact while the value is safe, and rounding is monotonic, so a
  // payload beyond the safe range is still seen to be beyond it.
  let payload = 0;
  for (let i = 0; i < payloadBytes; i++) {
    const byte = reader.byte(mask) ^ (negative ? 0xff : 0x00);
    if (i === 0 && byte === 0 && payloadBytes > 1) throw reader.error('varint is not in its shortest form');
    payload = payload * 256 + byte;
  }
  if (negative) {
    if (payload >= Number.MAX_SAFE_INTEGER) throw reader.error('integer out of range', start);
    return -payload - 1;
  }
  if (payload > Number.MAX_SAFE_INTEGER - INLINE_COUNT) throw reader.error('integer out of range', start);
  return payload + INLINE_COUNT;
}

/** Reads a varint of any size the format allows. */
export function decodeVarintBig(reader: KeyReader, mask: ByteMask): bigint {
  const tag = reader.byte(mask);
  if (tag >= TAG_ZERO && tag < TAG_ZERO + INLINE_COUNT) return BigInt(tag - TAG_ZERO);
  const negative = checkTag(reader, tag);
  const payloadBytes = negative ? TAG_ZERO - tag : tag - TAG_POSITIVE_BASE;
  const complement = negative ? 0xff : 0x00;
  let payload = 0n;
  // Six bytes at a time in a double (exact below 2^53), then one bigint step per chunk.
  let i = 0;
  while (i < payloadBytes) {
    const chunkBytes = Math.min(6, payloadBytes - i);
    let chunk = 0;
    for (let j = 0; j < chunkBytes; j++, i++) {
      const byte = reader.byte(mask) ^ complement;
      if (i === 0 && byte === 0 && payloadBytes > 1) throw reader.error('varint is not in its shortest form');
      chunk = chunk * 256 + byte;
    }
    payload = (payload << BigInt(8 * chunkBytes)) | BigInt(chunk);
  }
  return negative ? -payload - 1n : payload + INLINE_COUNT_BIG;
}

/**
 * Writes an unsigned integer (a table or index id) so that byte order is numeric order. The first
 * byte is 0x40 or more, so key prefixes below 0x40 sort before every such id.
 */
export function encodeUvarintAscending(writer: ByteWriter, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, `uvarint of a negative or unsafe number: ${value}`);
  encodeVarint(writer, value);
}

export function decodeUvarintAscending(reader: KeyReader): number {
  const start = reader.offset;
  const value = decodeVarint(reader, 0x00);
  if (value < 0) throw reader.error('unsigned varint is negative', start);
  return value;
}

/** True for a negative tag; throws for a byte that opens no varint. */
function checkTag(reader: KeyReader, tag: number): boolean {
  if (tag < TAG_VARINT_MIN || tag > TAG_VARINT_MAX) throw reader.error(`0x${tag.toString(16)} opens no integer`);
  return tag <= TAG_NEGATIVE_ONE_BYTE;
}

function numberByteLength(payload: number): number {
  let bytes = 1;
  for (let limit = 256; payload >= limit; limit *= 256) bytes++;
  return bytes;
}

function bigByteLength(payload: bigint): number {
  let bytes = 1;
  for (let rest = payload >> 8n; rest > 0n; rest >>= 8n) bytes++;
  return bytes;
}
