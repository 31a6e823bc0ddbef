/**
 * text, varchar, bpchar and bytea keys: TAG_BYTES, the bytes with every 0x00 written as 0x00 0xff,
 * then the terminator 0x00 0x01.
 *
 * Why this sorts: up to the end of the shorter value the bytes compare as themselves (an escaped
 * 0x00 0xff still sorts below every nonzero byte, and above the terminator); where one value is a
 * prefix of the other, the terminator 0x00 0x01 sorts below whatever the longer one holds next
 * (a byte >= 0x01, or 0x00 0xff). The encoding is prefix-free, so its inversion sorts in exactly
 * the reverse order: a descending column needs no escapes of its own.
 *
 * Text is UTF-8, and Tessera's text keys use the C collation: bytewise UTF-8 order, which is code
 * point order ("sorting is done strictly by character code byte values", PostgreSQL manual 24.2.2).
 * bpchar (char(n)) keys drop trailing spaces first, since "trailing spaces are treated as
 * semantically insignificant and disregarded when comparing two values of type character"
 * (manual 8.3): 'a ' and 'a' are equal and must share one key.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import { KeyDecodeError } from './key-decode-error.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { TAG_BYTES } from './tags.js';

const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;
const SPACE = 0x20;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeText(writer: ByteWriter, value: string): void {
  assert(typeof value === 'string', 'text key of a non-string');
  writeUtf8Escaped(writer, value, value.length);
}

/** char(n): the value without its trailing spaces. */
export function encodeBpchar(writer: ByteWriter, value: string): void {
  assert(typeof value === 'string', 'bpchar key of a non-string');
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === SPACE) end--;
  writeUtf8Escaped(writer, value, end);
}

export function encodeBytea(writer: ByteWriter, value: Uint8Array): void {
  assert(value instanceof Uint8Array, 'bytea key of a non-Uint8Array');
  const start = writer.length;
  const buffer = writer.reserve(1 + 2 * value.length + 2);
  let position = start;
  buffer[position++] = TAG_BYTES;
  for (const byte of value) {
    buffer[position++] = byte;
    if (byte === ESCAPE) buffer[position++] = ESCAPED_ZERO;
  }
  buffer[position++] = ESCAPE;
  buffer[position++] = TERMINATOR;
  writer.advanceTo(position);
}

export function decodeText(reader: KeyReader, mask: ByteMask): string {
  const start = reader.offset;
  const bytes = readEscaped(reader, mask);
  return decodeUtf8(bytes, start);
}

export function decodeBpchar(reader: KeyReader, mask: ByteMask): string {
  const start = reader.offset;
  const text = decodeText(reader, mask);
  if (text.endsWith(' ')) throw new KeyDecodeError('bpchar key keeps a trailing space', start);
  return text;
}

export function decodeBytea(reader: KeyReader, mask: ByteMask): Uint8Array {
  return readEscaped(reader, mask);
}

/** UTF-8 of value's first `end` code units, escaped. A UTF-16 unit never takes more than 3 bytes. */
function writeUtf8Escaped(writer: ByteWriter, value: string, end: number): void {
  const start = writer.length;
  const buffer = writer.reserve(1 + 3 * end + 2);
  let position = start;
  buffer[position++] = TAG_BYTES;
  for (let i = 0; i < end; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) {
      buffer[position++] = unit;
      if (unit === ESCAPE) buffer[position++] = ESCAPED_ZERO;
    } else if (unit < 0x800) {
      buffer[position++] = 0xc0 | (unit >> 6);
      buffer[position++] = 0x80 | (unit & 0x3f);
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const low = value.charCodeAt(i + 1);
      assert(unit < 0xdc00 && low >= 0xdc00 && low <= 0xdfff, 'text key holds a lone surrogate');
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      buffer[position++] = 0xf0 | (codePoint >> 18);
      buffer[position++] = 0x80 | ((codePoint >> 12) & 0x3f);
      buffer[position++] = 0x80 | ((codePoint >> 6) & 0x3f);
      buffer[position++] = 0x80 | (codePoint & 0x3f);
      i++;
    } else {
      buffer[position++] = 0xe0 | (unit >> 12);
      buffer[position++] = 0x80 | ((unit >> 6) & 0x3f);
      buffer[position++] = 0x80 | (unit & 0x3f);
    }
  }
  buffer[position++] = ESCAPE;
  buffer[position++] = TERMINATOR;
  writer.advanceTo(position);
}

/** The unescaped bytes of one escaped value; leaves the reader past its terminator. */
function readEscaped(reader: KeyReader, mask: ByteMask): Uint8Array {
  const tag = reader.byte(mask);
  if (tag !== TAG_BYTES) throw reader.error(`0x${tag.toString(16)} opens no string`);
  const source = reader.bytes;
  const begin = reader.offset;
  // First pass: find the terminator and count the escapes, so the result is allocated once.
  let end = begin;
  let escapes = 0;
  for (;;) {
    const byte = source[end];
    if (byte === undefined) throw new KeyDecodeError('string key has no terminator', end);
    if ((byte ^ mask) !== ESCAPE) {
      end++;
      continue;
    }
    const next = source[end + 1];
    if (next === undefined) throw new KeyDecodeError('string key has no terminator', end + 1);
    if ((next ^ mask) === TERMINATOR) break;
    if ((next ^ mask) !== ESCAPED_ZERO) throw new KeyDecodeError('invalid escape in string key', end + 1);
    escapes++;
    end += 2;
  }
  reader.offset = end + 2;
  if (mask === 0x00 && escapes === 0) return source.slice(begin, end);
  const result = new Uint8Array(end - begin - escapes);
  let target = 0;
  for (let i = begin; i < end; i++) {
    const byte = (source[i] as number) ^ mask;
    result[target++] = byte;
    if (byte === ESCAPE) i++;
  }
  return result;
}

function decodeUtf8(bytes: Uint8Array, offset: number): string {
  let ascii = true;
  for (const byte of bytes) {
    if (byte >= 0x80) {
      ascii = false;
      break;
    }
  }
  // Short ASCII strings (most keys) skip the TextDecoder call, which costs more than the loop.
  if (ascii && bytes.length <= 64) return String.fromCharCode(...bytes);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new KeyDecodeError('text key is not valid UTF-8', offset);
  }
}
