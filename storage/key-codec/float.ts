/**
 * float4 and float8 keys: TAG_FLOAT and the IEEE 754 bits made to sort as unsigned bytes (for a
 * non-negative number the sign bit is set; for a negative one every bit is inverted, so a larger
 * magnitude sorts lower), or TAG_FLOAT_NAN alone.
 *
 * PostgreSQL "treats NaN values as equal, and greater than all non-NaN values" (manual 8.1.3), and
 * compares -0 and 0 as equal (float8_cmp_internal uses IEEE < and >). So every NaN encodes as the
 * one NaN tag and -0 encodes as 0; the decoder refuses NaN bits and -0 bits, which the encoder
 * never writes. float4 keys hold the 4 bytes of the float32, float8 keys the 8 of the float64.
 */
import { assert } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { TAG_FLOAT, TAG_FLOAT_NAN } from './tags.js';

const scratch = new DataView(new ArrayBuffer(8));

export function encodeFloat(writer: ByteWriter, value: number, widthBytes: 4 | 8): void {
  assert(typeof value === 'number', 'float key of a non-number');
  if (Number.isNaN(value)) {
    writer.byte(TAG_FLOAT_NAN);
    return;
  }
  if (widthBytes === 4) {
    assert(Math.fround(value) === value, `float4 key of a value float32 cannot hold: ${value}`);
    scratch.setFloat32(0, value === 0 ? 0 : value);
  } else {
    scratch.setFloat64(0, value === 0 ? 0 : value);
  }
  const start = writer.length;
  const buffer = writer.reserve(1 + widthBytes);
  buffer[start] = TAG_FLOAT;
  const negative = (scratch.getUint8(0) & 0x80) !== 0;
  for (let i = 0; i < widthBytes; i++) {
    const byte = scratch.getUint8(i);
    buffer[start + 1 + i] = negative ? ~byte & 0xff : i === 0 ? byte | 0x80 : byte;
  }
  writer.advanceTo(start + 1 + widthBytes);
}

export function decodeFloat(reader: KeyReader, mask: ByteMask, widthBytes: 4 | 8): number {
  const start = reader.offset;
  const tag = reader.byte(mask);
  if (tag === TAG_FLOAT_NAN) return NaN;
  if (tag !== TAG_FLOAT) throw reader.error(`0x${tag.toString(16)} opens no float`);
  const first = reader.byte(mask);
  // A set top bit marks a non-negative number; a clear one an inverted negative number.
  const negative = (first & 0x80) === 0;
  scratch.setUint8(0, negative ? ~first & 0xff : first & 0x7f);
  for (let i = 1; i < widthBytes; i++) {
    const byte = reader.byte(mask);
    scratch.setUint8(i, negative ? ~byte & 0xff : byte);
  }
  const value = widthBytes === 4 ? scratch.getFloat32(0) : scratch.getFloat64(0);
  if (Number.isNaN(value)) throw reader.error('float key holds NaN bits instead of the NaN tag', start);
  if (Object.is(value, -0)) throw reader.error('float key holds -0, which encodes as 0', start);
  return value;
}
