/**
 * One column of a key: the value's type encoding (see each type's file), inverted for a descending
 * column, or a one-byte NULL marker.
 *
 * PostgreSQL sorts NULL "as if larger than any non-null value; that is, NULLS FIRST is the default
 * for DESC order, and NULLS LAST otherwise" (manual 7.5). The marker is 0x00 for NULLS FIRST and
 * 0xff for NULLS LAST in either direction, and no non-null value starts with either byte (see
 * tags.ts), so the marker alone places NULL. All NULLs of a column share one key byte, which makes
 * them equal in the key order, as they are in PostgreSQL's sort order.
 *
 * Every value encoding is prefix-free (no encoding is a proper prefix of another), so that:
 * inverting the bytes reverses the order exactly; a column's end is known from its bytes alone; and
 * the concatenation of columns sorts column by column.
 */
import { assert, assertNever } from '../../common/assert.js';
import type { ByteWriter } from './byte-writer.js';
import type { Datum, DatumByType, DatumType } from './datum.js';
import { decodeBpchar, decodeBytea, decodeText, encodeBpchar, encodeBytea, encodeText } from './escaped-bytes.js';
import { decodeFloat, encodeFloat } from './float.js';
import { decodeInterval, encodeInterval } from './interval.js';
import type { ByteMask, KeyReader } from './key-reader.js';
import { int2Max, int2Min, int4Max, int4Min, int8Max, int8Min } from './limits.js';
import { decodeNumeric, encodeNumeric } from './numeric.js';
import { NULL_FIRST, NULL_LAST, TAG_FALSE, TAG_TRUE } from './tags.js';
import { decodeDate, decodeTime, decodeTimestamp, encodeDate, encodeTime, encodeTimestamp } from './temporal.js';
import { decodeUuid, encodeUuid } from './uuid.js';
import { decodeVarint, decodeVarintBig, encodeVarint, encodeVarintBig } from './varint.js';

export type KeyDirection = 'asc' | 'desc';
export type NullsOrder = 'first' | 'last';

export interface KeyColumn {
  readonly type: DatumType;
  /** Default 'asc'. */
  readonly direction?: KeyDirection;
  /** Default PostgreSQL's: 'last' for an ascending column, 'first' for a descending one. */
  readonly nulls?: NullsOrder;
}

/** Appends one column's encoding of value (null for NULL). */
export function encodeKeyColumn(writer: ByteWriter, value: Datum, column: KeyColumn): void {
  if (value === null) {
    writer.byte(nullsFirst(column) ? NULL_FIRST : NULL_LAST);
    return;
  }
  const codec = codecs[column.type] as TypeCodec<DatumType> | undefined;
  assert(codec !== undefined, `unknown key column type: ${String(column.type)}`);
  const start = writer.length;
  (codec.encode as (writer: ByteWriter, value: unknown) => void)(writer, value);
  if (descending(column)) writer.invertFrom(start);
}

/**
 * Reads one column and leaves the reader at the next. Throws KeyDecodeError for bytes that are not
 * the canonical encoding of a value of the column's type (or NULL with the column's placement).
 */
export function decodeKeyColumn(reader: KeyReader, column: KeyColumn): Datum {
  const first = reader.peek();
  if (first === NULL_FIRST || first === NULL_LAST) {
    if (first !== (nullsFirst(column) ? NULL_FIRST : NULL_LAST)) {
      throw reader.error('NULL marker of the other NULL placement', reader.offset);
    }
    reader.offset++;
    return null;
  }
  const codec = codecs[column.type] as TypeCodec<DatumType> | undefined;
  assert(codec !== undefined, `unknown key column type: ${String(column.type)}`);
  return codec.decode(reader, descending(column) ? 0xff : 0x00);
}

function descending(column: KeyColumn): boolean {
  const direction = column.direction ?? 'asc';
  switch (direction) {
    case 'asc':
      return false;
    case 'desc':
      return true;
    default:
      return assertNever(direction, 'key direction');
  }
}

function nullsFirst(column: KeyColumn): boolean {
  const nulls = column.nulls ?? (descending(column) ? 'first' : 'last');
  assert(nulls === 'first' || nulls === 'last', `unknown NULL placement: ${String(nulls)}`);
  return nulls === 'first';
}

interface TypeCodec<T extends DatumType> {
  encode(writer: ByteWriter, value: DatumByType[T]): void;
  decode(reader: KeyReader, mask: ByteMask): DatumByType[T];
}

/** Every type's codec; a new DatumType fails to compile until it has one. */
const codecs: { readonly [T in DatumType]: TypeCodec<T> } = {
  int2: integerCodec(int2Min, int2Max),
  int4: integerCodec(int4Min, int4Max),
  int8: {
    encode(writer, value) {
      assert(typeof value === 'bigint' && value >= int8Min && value <= int8Max, `int8 key out of range: ${String(value)}`);
      encodeVarintBig(writer, value);
    },
    decode(reader, mask) {
      const start = reader.offset;
      const value = decodeVarintBig(reader, mask);
      if (value < int8Min || value > int8Max) throw reader.error('int8 key out of range', start);
      return value;
    },
  },
  float4: { encode: (writer, value) => encodeFloat(writer, value, 4), decode: (reader, mask) => decodeFloat(reader, mask, 4) },
  float8: { encode: (writer, value) => encodeFloat(writer, value, 8), decode: (reader, mask) => decodeFloat(reader, mask, 8) },
  numeric: { encode: encodeNumeric, decode: decodeNumeric },
  text: { encode: encodeText, decode: decodeText },
  varchar: { encode: encodeText, decode: decodeText },
  bpchar: { encode: encodeBpchar, decode: decodeBpchar },
  bytea: { encode: encodeBytea, decode: decodeBytea },
  bool: {
    encode(writer, value) {
      assert(typeof value === 'boolean', 'bool key of a non-boolean');
      writer.byte(value ? TAG_TRUE : TAG_FALSE);
    },
    decode(reader, mask) {
      const tag = reader.byte(mask);
      if (tag !== TAG_TRUE && tag !== TAG_FALSE) throw reader.error(`0x${tag.toString(16)} opens no bool`);
      return tag === TAG_TRUE;
    },
  },
  date: { encode: encodeDate, decode: decodeDate },
  time: { encode: encodeTime, decode: decodeTime },
  timestamp: { encode: encodeTimestamp, decode: decodeTimestamp },
  timestamptz: { encode: encodeTimestamp, decode: decodeTimestamp },
  interval: { encode: encodeInterval, decode: decodeInterval },
  uuid: { encode: encodeUuid, decode: decodeUuid },
};

function integerCodec(min: number, max: number): {
  encode(writer: ByteWriter, value: number): void;
  decode(reader: KeyReader, mask: ByteMask): number;
} {
  return {
    encode(writer, value) {
      assert(Number.isInteger(value) && value >= min && value <= max, `integer key out of range: ${String(value)}`);
      encodeVarint(writer, value === 0 ? 0 : value);
    },
    decode(reader, mask) {
      const start = reader.offset;
      const value = decodeVarint(reader, mask);
      if (value < min || value > max) throw reader.error('integer key out of range', start);
      return value;
    },
  };
}
