/**
 * Composite keys: the columns' encodings one after another. Each encoding is prefix-free, so byte
 * order is column-by-column order, and a key can be decoded (or a prefix of it, for index scans)
 * from the column types alone.
 */
import { assert } from '../../common/assert.js';
import { ByteWriter } from './byte-writer.js';
import type { Datum } from './datum.js';
import { decodeKeyColumn, encodeKeyColumn, type KeyColumn } from './key-column.js';
import { KeyReader } from './key-reader.js';

/**
 * Encodes values as the leading columns of a key. Fewer values than columns give a prefix (for a
 * scan of every key that starts with those values); more is a bug.
 */
export function encodeKey(values: readonly Datum[], columns: readonly KeyColumn[]): Uint8Array {
  const writer = new ByteWriter();
  encodeKeyInto(writer, values, columns);
  return writer.toBytes();
}

/** Appends the encoding of values to writer: after a table/index prefix, for instance. */
export function encodeKeyInto(writer: ByteWriter, values: readonly Datum[], columns: readonly KeyColumn[]): void {
  assert(values.length <= columns.length, `${values.length} key values for ${columns.length} key columns`);
  for (let i = 0; i < values.length; i++) encodeKeyColumn(writer, values[i] as Datum, columns[i] as KeyColumn);
}

/** Decodes a whole key: exactly the given columns, and nothing after them. */
export function decodeKey(bytes: Uint8Array, columns: readonly KeyColumn[]): Datum[] {
  const reader = new KeyReader(bytes);
  const values = columns.map((column) => decodeKeyColumn(reader, column));
  if (!reader.atEnd) throw reader.error(`${bytes.length - reader.offset} bytes after the last key column`, reader.offset);
  return values;
}

/**
 * Decodes the given columns starting at offset and says where they end; whatever follows (more
 * columns, a suffix) is left alone.
 */
export function decodeKeyPrefix(
  bytes: Uint8Array,
  columns: readonly KeyColumn[],
  offset = 0,
): { values: Datum[]; end: number } {
  const reader = new KeyReader(bytes, offset);
  const values = columns.map((column) => decodeKeyColumn(reader, column));
  return { values, end: reader.offset };
}
