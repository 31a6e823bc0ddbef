/**
 * Row and index encodings: every column type round-trips through a primary-index entry, key order
 * is SQL order, ADD/DROP COLUMN need no rewrite, and unique entries hold the primary key.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../../storage/key-codec/index.js';
import type { ColumnDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import { decodeStoredRow } from '../exec/table-reader.js';
import { parseJsonb } from '../types/io/json-io.js';
import { numeric } from '../types/numeric-value.js';
import { Oid } from '../types/oids.js';
import { sqlType, T } from '../types/sql-type.js';
import { SqlArray, type Value } from '../types/value.js';
import { decodeIndexEntryPrimaryKey, primaryKey, secondaryIndexEntry } from './index-key.js';
import { encodeRowValue } from './row-value.js';

function table(columns: ColumnDescriptor[], pk: number[]): TableDescriptor {
  return {
    kind: 'table', id: 100, version: 1, name: 't', databaseId: 1, schemaId: 2, columns, nextColumnId: columns.length + 1,
    primaryIndex: { id: 1, name: 't_pkey', columnIds: pk, directions: pk.map(() => 'asc'), unique: true },
    indexes: [{ id: 2, name: 't_u_key', columnIds: [3], directions: ['asc'], unique: true }], nextIndexId: 3, checks: [],
  };
}

const col = (id: number, name: string, type = T.int4): ColumnDescriptor => ({ id, name, type, nullable: true, hidden: false });

function roundTrip(t: TableDescriptor, row: Value[]): Value[] {
  const key = primaryKey(t, row);
  const value = encodeRowValue(t, row, new Set(t.primaryIndex.columnIds));
  return decodeStoredRow(t, key, value);
}

describe('row encoding', () => {
  it('round-trips values of every kind, keeping numeric display scale', () => {
    const t = table([
      col(1, 'id'), col(2, 'n', T.numeric), col(3, 'u', T.text), col(4, 'j', T.jsonb), col(5, 'a', sqlType(Oid.int4Array)),
      col(6, 'ts', T.timestamptz), col(7, 'b', T.bytea), col(8, 'nothing', T.float8),
    ], [1]);
    const row: Value[] = [
      7, numeric(new Decimal('1.50'), 2), 'héllo', parseJsonb('{"b": [1, 2], "a": null}'), SqlArray.of(Oid.int4, [1, null, 3]),
      1_700_000_000_000_000n, Uint8Array.of(0, 255), null,
    ];
    const back = roundTrip(t, row);
    expect(back[0]).toBe(7);
    expect((back[1] as Decimal).toFixed(2)).toBe('1.50');
    expect(back[2]).toBe('héllo');
    expect(back[4]).toEqual(row[4]);
    expect(back[5]).toBe(1_700_000_000_000_000n);
    expect(back[6]).toEqual(Uint8Array.of(0, 255));
    expect(back[7]).toBeNull();
  });

  it('reads rows written before ADD COLUMN with the new column NULL, and skips dropped columns', () => {
    const before = table([col(1, 'id'), col(2, 'x'), col(3, 'u')], [1]);
    const key = primaryKey(before, [1, 2, 3]);
    const value = encodeRowValue(before, [1, 2, 3], new Set([1]));
    const added = { ...before, columns: [...before.columns, col(4, 'y')], nextColumnId: 5 };
    expect(decodeStoredRow(added, key, value)).toEqual([1, 2, 3, null]);
    const dropped = { ...before, columns: [col(1, 'id'), col(3, 'u')], droppedColumns: [{ id: 2, type: T.int4 }] };
    expect(decodeStoredRow(dropped, key, value)).toEqual([1, 3]);
  });
});

describe('index keys', () => {
  it('orders primary keys as SQL orders the values, NULLs last', () => {
    const t = table([col(1, 'id', T.int8), col(2, 'x'), col(3, 'u')], [1]);
    const keys = [-5n, 0n, 3n, 1000n].map((v) => primaryKey(t, [v, null, null]));
    for (let i = 1; i < keys.length; i++) expect(compareBytes(keys[i - 1] as Uint8Array, keys[i] as Uint8Array)).toBe(-1);
  });

  it('stores the primary key under a unique entry, and in the key of an entry with NULLs (NULLs never conflict)', () => {
    const t = table([col(1, 'id'), col(2, 'x'), col(3, 'u')], [1]);
    const index = t.indexes[0];
    if (index === undefined) throw new Error('no index');
    const unique = secondaryIndexEntry(t, index, [42, 0, 9]);
    expect(unique.unique).toBe(true);
    expect(decodeIndexEntryPrimaryKey(t, index, unique.key, unique.value)).toEqual([42]);
    const withNull = secondaryIndexEntry(t, index, [43, 0, null]);
    expect(withNull.unique).toBe(false);
    expect(decodeIndexEntryPrimaryKey(t, index, withNull.key, withNull.value)).toEqual([43]);
    expect(compareBytes(withNull.key, secondaryIndexEntry(t, index, [44, 0, null]).key)).not.toBe(0);
  });
});
