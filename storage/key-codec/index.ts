/**
 * The order-preserving key codec: SQL values to bytes whose unsigned bytewise order is
 * PostgreSQL 15's sort order. See OVERVIEW.md.
 */
export { ByteWriter } from './byte-writer.js';
export { compareBytes } from './compare-bytes.js';
export {
  DATUM_TYPES, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
  type Datum, type DatumByType, type DatumOf, type DatumType, type Interval,
} from './datum.js';
export { intervalFromSpanMicros, intervalSpanMicros } from './interval.js';
export { decodeKey, decodeKeyPrefix, encodeKey, encodeKeyInto } from './key.js';
export { decodeKeyColumn, encodeKeyColumn, type KeyColumn, type KeyDirection, type NullsOrder } from './key-column.js';
export { KeyDecodeError } from './key-decode-error.js';
export { KeyReader } from './key-reader.js';
export { prefixEnd } from './prefix-end.js';
export { decodeUvarintAscending, encodeUvarintAscending } from './varint.js';
