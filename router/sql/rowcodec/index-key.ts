/**
 * Index keys. The primary index maps /tableId/1/<pk columns> to the row's other columns. A unique
 * secondary index maps /tableId/indexId/<index columns> to the primary key (so a second row with
 * the same values is a conditional-put failure: 23505); a non-unique one appends the primary key
 * to its key so that entries never collide, and stores nothing. PostgreSQL treats NULLs as
 * distinct in unique indexes, so a unique entry with a NULL column is written in the non-unique
 * shape and never conflicts.
 */
import { ByteWriter, decodeKeyPrefix, encodeKeyInto, type KeyColumn } from '../../../storage/key-codec/index.js';
import type { Datum } from '../../../storage/key-codec/datum.js';
import { indexKeyPrefix } from '../../../storage/keys.js';
import { columnOrdinal, type IndexDescriptor, type TableDescriptor } from '../catalog/descriptors.js';
import { PgError } from '../errors/pg-error.js';
import { formatType } from '../types/typmod.js';
import type { Value } from '../types/value.js';
import { keyDatumType } from './datum-type.js';

export function indexKeyColumns(table: TableDescriptor, index: IndexDescriptor): KeyColumn[] {
  return index.columnIds.map((id, i) => {
    const column = table.columns[columnOrdinal(table, id)];
    const type = column === undefined ? undefined : keyDatumType(column.type.oid);
    if (column === undefined || type === undefined) {
      throw new PgError('0A000', `index keys of type ${column === undefined ? '?' : formatType(column.type)} are not supported`);
    }
    return { type, direction: index.directions[i] ?? 'asc' };
  });
}

/** The values of the index's columns, taken from a full row. */
export function indexValues(table: TableDescriptor, index: IndexDescriptor, row: readonly Value[]): Datum[] {
  return index.columnIds.map((id) => (row[columnOrdinal(table, id)] ?? null) as Datum);
}

/** The key prefix of an index followed by `values` encoded as its first columns. */
export function encodeIndexPrefix(table: TableDescriptor, index: IndexDescriptor, values: readonly Datum[]): Uint8Array {
  const columns = indexKeyColumns(table, index).slice(0, values.length);
  const prefix = indexKeyPrefix(table.id, index.id);
  const writer = new ByteWriter(prefix.length + 16);
  writer.bytes(prefix);
  encodeKeyInto(writer, values, columns);
  return writer.toBytes();
}

export function primaryKey(table: TableDescriptor, row: readonly Value[]): Uint8Array {
  return encodeIndexPrefix(table, table.primaryIndex, indexValues(table, table.primaryIndex, row));
}

export interface IndexEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** True when the entry must not exist yet (a unique index without NULLs in its columns). */
  readonly unique: boolean;
}

export function secondaryIndexEntry(table: TableDescriptor, index: IndexDescriptor, row: readonly Value[]): IndexEntry {
  const values = indexValues(table, index, row);
  const pkValues = indexValues(table, table.primaryIndex, row);
  const unique = index.unique && values.every((v) => v !== null);
  const pkColumns = indexKeyColumns(table, table.primaryIndex);
  if (unique) {
    const writer = new ByteWriter(32);
    encodeKeyInto(writer, pkValues, pkColumns);
    return { key: encodeIndexPrefix(table, index, values), value: writer.toBytes(), unique };
  }
  const writer = new ByteWriter(64);
  writer.bytes(encodeIndexPrefix(table, index, values));
  encodeKeyInto(writer, pkValues, pkColumns);
  return { key: writer.toBytes(), value: new Uint8Array(0), unique };
}

/** The primary-key values of a row a secondary index entry points to. */
export function decodeIndexEntryPrimaryKey(table: TableDescriptor, index: IndexDescriptor, key: Uint8Array, value: Uint8Array): Datum[] {
  const pkColumns = indexKeyColumns(table, table.primaryIndex);
  if (value.length > 0) return decodeKeyPrefix(value, pkColumns).values;
  const prefixLength = indexKeyPrefix(table.id, index.id).length;
  const { end } = decodeKeyPrefix(key, indexKeyColumns(table, index), prefixLength);
  return decodeKeyPrefix(key, pkColumns, end).values;
}

/** Decodes a primary-index key into the key columns of a full row. */
export function decodePrimaryKey(table: TableDescriptor, key: Uint8Array, row: Value[]): void {
  const prefixLength = indexKeyPrefix(table.id, table.primaryIndex.id).length;
  const { values } = decodeKeyPrefix(key, indexKeyColumns(table, table.primaryIndex), prefixLength);
  table.primaryIndex.columnIds.forEach((id, i) => {
    row[columnOrdinal(table, id)] = values[i] ?? null;
  });
}
