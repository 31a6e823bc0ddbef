/**
 * numeric keys. The key holds the value only, never the display scale: 1.50 and 1.5 are equal in
 * PostgreSQL (cmp_numerics compares values; "Numeric values are physically stored without any
 * extra leading or trailing zeroes", manual 8.1.2) and so share one key, as do 0, -0 and -0.000.
 *
 * Order, as PostgreSQL sorts: -Infinity < negatives < 0 < positives < Infinity < NaN. "The infinity
 * values behave as per mathematical expectations", and PostgreSQL "treats NaN values as equal, and
 * greater than all non-NaN values" (manual 8.1.2). Each of -Infinity, 0, Infinity and NaN is a
 * tag alone.
 *
 * A nonzero finite value is written as 0.c1 c2 ... ck × 100^E, with base-100 digits ci in 0..99,
 * c1 and ck nonzero: the tag for its sign, E as a varint, then one byte per digit, 2ci + 1 for all
 * but the last and 2ck for the last. Between positives of one E the digits compare as written,
 * and where one digit string is a prefix of the other the even last byte of the shorter sorts
 * below the odd byte of the longer. A larger E is a larger positive. Negatives write the same bytes
 * for the magnitude, inverted after the tag; that reverses their order because the encoding is
 * prefix-free. The decoder insists on nonzero first and last digits, so each value has one key.
 */
import { Decimal } from 'decimal.js';
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { numericLeadingExponentMax, numericTrailingExponentMin } from './limits.js';
import {
  TAG_NUMERIC_INFINITY, TAG_NUMERIC_MINUS_INFINITY, TAG_NUMERIC_NAN, TAG_NUMERIC_NEGATIVE,
  TAG_NUMERIC_POSITIVE, TAG_NUMERIC_ZERO,
} from './tags.js';
import { decodeVarint, encodeVarint } from './varint.js';

/** decimal.js keeps the digits in words of 7 decimal digits (its documented `d` property). */
const DIGITS_PER_WORD = 7;

export function encodeNumeric(writer: ByteWriter, value: Decimal): void {
  assert(Decimal.isDecimal(value), 'numeric key of a non-Decimal');
  if (value.isNaN()) return writer.byte(TAG_NUMERIC_NAN);
  if (!value.isFinite()) return writer.byte(value.isNegative() ? TAG_NUMERIC_MINUS_INFINITY : TAG_NUMERIC_INFINITY);
  if (value.isZero()) return writer.byte(TAG_NUMERIC_ZERO);

  const digits = significantDigits(value);
  const leadingExponent = value.e;
  assert(leadingExponent <= numericLeadingExponentMax, `numeric key out of range: ${value.toString()}`);
  assert(
    leadingExponent - (digits.length - 1) >= numericTrailingExponentMin,
    `numeric key has more fraction digits than numeric holds: ${value.toExponential(3)}`,
  );
  const negative = value.isNegative();
  writer.byte(negative ? TAG_NUMERIC_NEGATIVE : TAG_NUMERIC_POSITIVE);
  const start = writer.length;

  // value = 0.d1 d2 ... × 10^(leadingExponent + 1); pair the digits from the decimal point.
  let decimalExponent = leadingExponent + 1;
  let aligned = digits;
  if (decimalExponent % 2 !== 0) {
    aligned = '0' + aligned;
    decimalExponent++;
  }
  if (aligned.length % 2 !== 0) aligned += '0';
  encodeVarint(writer, decimalExponent / 2);

  const pairs = aligned.length / 2;
  const buffer = writer.reserve(pairs);
  let position = writer.length;
  for (let k = 0; k < pairs; k++) {
    const centimal = (aligned.charCodeAt(2 * k) - 48) * 10 + (aligned.charCodeAt(2 * k + 1) - 48);
    buffer[position++] = k === pairs - 1 ? 2 * centimal : 2 * centimal + 1;
  }
  writer.advanceTo(position);
  if (negative) writer.invertFrom(start);
}

export function decodeNumeric(reader: KeyReader, mask: ByteMask): Decimal {
  const start = reader.offset;
  const tag = reader.byte(mask);
  switch (tag) {
    case TAG_NUMERIC_NAN:
      return new Decimal(NaN);
    case TAG_NUMERIC_INFINITY:
      return new Decimal(Infinity);
    case TAG_NUMERIC_MINUS_INFINITY:
      return new Decimal(-Infinity);
    case TAG_NUMERIC_ZERO:
      return new Decimal(0);
    case TAG_NUMERIC_POSITIVE:
    case TAG_NUMERIC_NEGATIVE:
      return tag === TAG_NUMERIC_NEGATIVE
        ? decodeMagnitude(reader, (mask ^ 0xff) as ByteMask, start, '-')
        : decodeMagnitude(reader, mask, start, '');
    default:
      throw reader.error(`0x${tag.toString(16)} opens no numeric`);
  }
}

/** The value after a sign tag; a negative's magnitude comes inverted, which the caller's mask undoes. */
function decodeMagnitude(reader: KeyReader, mask: ByteMask, start: number, sign: '' | '-'): Decimal {
  const exponent100 = decodeVarint(reader, mask);
  let digits = '';
  let last = 0;
  for (let k = 0; ; k++) {
    const byte = reader.byte(mask);
    if (byte === 0 || byte > 199) throw reader.error('invalid numeric digit byte');
    const centimal = byte >> 1;
    if (k === 0 && centimal === 0) throw reader.error('numeric digits start with zero');
    digits += centimal < 10 ? '0' + centimal : String(centimal);
    if ((byte & 1) === 0) {
      last = centimal;
      break;
    }
  }
  // The exponents of the leading and the last nonzero decimal digit, checked against numeric's
  // range before building a Decimal (whose string could otherwise be absurdly long).
  const pairs = digits.length / 2;
  const leadingExponent = 2 * exponent100 - (digits.charCodeAt(0) === 48 ? 2 : 1);
  const trailingExponent = 2 * (exponent100 - pairs) + (last % 10 === 0 ? 1 : 0);
  if (leadingExponent > numericLeadingExponentMax || trailingExponent < numericTrailingExponentMin) {
    throw reader.error('numeric key out of range', start);
  }
  return new Decimal(`${sign}0.${digits}e${2 * exponent100}`);
}

/** The decimal digits of a nonzero finite Decimal, from the first nonzero to the last nonzero. */
function significantDigits(value: Decimal): string {
  const words = value.d;
  let digits = String(words[0]);
  for (let i = 1; i < words.length; i++) digits += String(words[i]).padStart(DIGITS_PER_WORD, '0');
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return digits.slice(0, end);
}
