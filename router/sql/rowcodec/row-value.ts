/**
 * The value of a primary-index entry: the row's non-key columns, each tagged by its column id, so
 * that ADD COLUMN (an absent tag reads as NULL) and DROP COLUMN (an unknown tag is skipped)
 * rewrite nothing. NULL columns are not written.
 *
 * Layout: repeated (uvarint column id, uvarint encoding tag, payload). Types the key codec holds
 * use its ascending encoding (self-delimiting); numeric and the others use their text form, which
 * PostgreSQL guarantees round-trips (numeric keeps its display scale that way).
 */
import { ByteWriter, decodeKeyColumn, decodeUvarintAscending, encodeKeyColumn, encodeUvarintAscending, KeyReader } from '../../../storage/key-codec/index.js';
import type { Datum } from '../../../storage/key-codec/datum.js';
import type { TableDescriptor } from '../catalog/descriptors.js';
import { defaultTypeContext } from '../types/type-context.js';
import { parseValue, formatValue } from '../types/io/value-io.js';
import type { SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import { Oid } from '../types/oids.js';
import { keyDatumType } from './datum-type.js';

const TAG_KEY_CODEC = 1;
const TAG_TEXT = 2;

/** Text forms are written and read in a fixed context so that session settings never leak in. */
const storageContext = defaultTypeContext();

function usesKeyCodec(type: SqlType): boolean {
  return type.oid !== Oid.numeric && keyDatumType(type.oid) !== undefined;
}

export function encodeColumnValue(writer: ByteWriter, value: Value, type: SqlType): void {
  if (usesKeyCodec(type)) {
    encodeUvarintAscending(writer, TAG_KEY_CODEC);
    encodeKeyColumn(writer, value as Datum, { type: keyDatumType(type.oid) ?? 'text' });
  } else {
    encodeUvarintAscending(writer, TAG_TEXT);
    encodeKeyColumn(writer, formatValue(value, type, storageContext), { type: 'text' });
  }
}

export function decodeColumnValue(reader: KeyReader, type: SqlType): Value {
  const tag = decodeUvarintAscending(reader);
  if (tag === TAG_KEY_CODEC) return decodeKeyColumn(reader, { type: keyDatumType(type.oid) ?? 'text' });
  const text = decodeKeyColumn(reader, { type: 'text' }) as string;
  return parseValue(text, type, storageContext);
}

/** Encodes the columns of `row` (a full row of the table) that are not in `keyColumnIds`. */
export function encodeRowValue(table: TableDescriptor, row: readonly Value[], keyColumnIds: ReadonlySet<number>): Uint8Array {
  const writer = new ByteWriter(64);
  table.columns.forEach((column, ordinal) => {
    const value = row[ordinal] ?? null;
    if (value === null || keyColumnIds.has(column.id)) return;
    encodeUvarintAscending(writer, column.id);
    encodeColumnValue(writer, value, column.type);
  });
  return writer.toBytes();
}

/** Fills the non-key columns of `row` from an encoded value; absent columns stay NULL. */
export function decodeRowValue(table: TableDescriptor, bytes: Uint8Array, row: Value[]): void {
  const reader = new KeyReader(bytes);
  while (!reader.atEnd) {
    const columnId = decodeUvarintAscending(reader);
    const ordinal = table.columns.findIndex((c) => c.id === columnId);
    if (ordinal < 0) {
      // A dropped column: its type stays in the descriptor so its payload can be skipped.
      const dropped = table.droppedColumns?.find((c) => c.id === columnId);
      if (dropped === undefined) throw new Error(`row of ${table.name} holds unknown column ${columnId}`);
      decodeColumnValue(reader, dropped.type);
      continue;
    }
    const column = table.columns[ordinal];
    if (column !== undefined) row[ordinal] = decodeColumnValue(reader, column.type);
  }
}
