/**
 * Reads table rows through the KV transaction: the primary index by span (in pages, so a large
 * table never arrives as one response) or by primary-key points, decoded into full rows.
 */
import { indexSpan } from '../../../storage/keys.js';
import type { Datum } from '../../../storage/key-codec/datum.js';
import { prefixEnd } from '../../../storage/key-codec/index.js';
import type { IndexDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import { decodeIndexEntryPrimaryKey, decodePrimaryKey, encodeIndexPrefix } from '../rowcodec/index-key.js';
import { decodeRowValue } from '../rowcodec/row-value.js';
import type { SqlKvTxn } from '../session/sql-kv.js';
import type { Value } from '../types/value.js';
import { execLimits } from './limits.js';

export interface StoredRow {
  readonly key: Uint8Array;
  readonly row: Value[];
}

export function decodeStoredRow(table: TableDescriptor, key: Uint8Array, value: Uint8Array): Value[] {
  const row: Value[] = new Array<Value>(table.columns.length).fill(null);
  decodePrimaryKey(table, key, row);
  decodeRowValue(table, value, row);
  return row;
}

async function scanAll(txn: SqlKvTxn, start: Uint8Array, end: Uint8Array): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
  const out: { key: Uint8Array; value: Uint8Array }[] = [];
  let from = start;
  while (true) {
    const page = await txn.scan(from, end, { limit: execLimits.scanPageRowsMax });
    out.push(...page);
    const last = page[page.length - 1];
    if (page.length < execLimits.scanPageRowsMax || last === undefined) return out;
    from = keySuccessor(last.key);
  }
}

/** The smallest key greater than `key`. */
function keySuccessor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key, 0);
  return out;
}

export async function readAllRows(txn: SqlKvTxn, table: TableDescriptor): Promise<StoredRow[]> {
  const span = indexSpan(table.id, table.primaryIndex.id);
  const pairs = await scanAll(txn, span.start, span.end);
  return pairs.map((p) => ({ key: p.key, row: decodeStoredRow(table, p.key, p.value) }));
}

/** Rows whose key in `index` starts with one of `prefixes`. */
export async function readRowsByPrefix(txn: SqlKvTxn, table: TableDescriptor, index: IndexDescriptor, prefixes: readonly (readonly Datum[])[]): Promise<StoredRow[]> {
  const out: StoredRow[] = [];
  const seen = new Set<string>();
  for (const values of prefixes) {
    const start = encodeIndexPrefix(table, index, values);
    const end = prefixEnd(start);
    if (end === undefined) continue;
    const fullPoint = index.id === table.primaryIndex.id && values.length === index.columnIds.length;
    if (fullPoint) {
      const value = await txn.get(start);
      if (value !== undefined) out.push({ key: start, row: decodeStoredRow(table, start, value) });
      continue;
    }
    const pairs = await scanAll(txn, start, end);
    if (index.id === table.primaryIndex.id) {
      for (const p of pairs) out.push({ key: p.key, row: decodeStoredRow(table, p.key, p.value) });
      continue;
    }
    for (const p of pairs) {
      const pk = decodeIndexEntryPrimaryKey(table, index, p.key, p.value);
      const key = encodeIndexPrefix(table, table.primaryIndex, pk);
      const id = Buffer.from(key).toString('hex');
      if (seen.has(id)) continue;
      seen.add(id);
      const value = await txn.get(key);
      if (value !== undefined) out.push({ key, row: decodeStoredRow(table, key, value) });
    }
  }
  return out;
}
