/**
 * uuid keys: TAG_UUID and the 16 bytes, so keys sort bytewise on the bytes, as PostgreSQL's
 * uuid_cmp (a memcmp) does. Values are canonical lowercase strings; any other spelling of a uuid
 * is the caller's to normalize.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { TAG_UUID } from './tags.js';

const UUID_BYTES = 16;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Where the dashes go: after these bytes. */
const DASH_AFTER_BYTES = new Set([3, 5, 7, 9]);
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function encodeUuid(writer: ByteWriter, value: string): void {
  assert(typeof value === 'string' && CANONICAL_UUID.test(value), `uuid key of a non-canonical uuid: ${String(value)}`);
  const start = writer.length;
  const buffer = writer.reserve(1 + UUID_BYTES);
  buffer[start] = TAG_UUID;
  let position = start + 1;
  for (let i = 0; i < value.length; i += 2) {
    if (value.charCodeAt(i) === 0x2d) i++; // '-'
    buffer[position++] = parseInt(value.slice(i, i + 2), 16);
  }
  writer.advanceTo(position);
}

export function decodeUuid(reader: KeyReader, mask: ByteMask): string {
  const tag = reader.byte(mask);
  if (tag !== TAG_UUID) throw reader.error(`0x${tag.toString(16)} opens no uuid`);
  let text = '';
  for (let i = 0; i < UUID_BYTES; i++) {
    text += HEX[reader.byte(mask)] as string;
    if (DASH_AFTER_BYTES.has(i)) text += '-';
  }
  return text;
}
