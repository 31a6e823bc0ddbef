/**
 * FOREIGN KEY enforcement (MATCH SIMPLE: a row with a NULL in its key columns references
 * nothing). A referencing row needs its referenced key present; a referenced row that is deleted
 * or whose key changes takes its referencing rows with it (CASCADE), clears them (SET NULL / SET
 * DEFAULT) or is refused (RESTRICT / NO ACTION, 23503).
 */
import type { Datum } from '../../../storage/key-codec/datum.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { ForeignKeyConstraint, TableDescriptor } from '../catalog/descriptors.js';
import { PgError } from '../errors/pg-error.js';
import type { SqlKvTxn } from '../session/sql-kv.js';
import { compareValues } from '../types/compare.js';
import { formatNullable } from '../types/io/value-io.js';
import type { TypeContext } from '../types/type-context.js';
import type { Value } from '../types/value.js';
import { readAllRows, readRowsByPrefix } from './table-reader.js';

export interface ForeignKeyEnv {
  readonly txn: SqlKvTxn;
  readonly catalog: CatalogStore;
  readonly typeCtx: TypeContext;
  /** Deletes or updates a referencing row, with that table's own checks and actions. */
  readonly deleteRow: (table: TableDescriptor, row: readonly Value[]) => Promise<void>;
  readonly updateRow: (table: TableDescriptor, before: readonly Value[], after: readonly Value[]) => Promise<void>;
  /** Evaluates a referencing column's DEFAULT (for SET DEFAULT). */
  readonly defaultValue: (table: TableDescriptor, ordinal: number) => Value;
}

const ordinalOf = (table: TableDescriptor, id: number): number => table.columns.findIndex((c) => c.id === id);

function keyText(table: TableDescriptor, ids: readonly number[], row: readonly Value[], ctx: TypeContext): { names: string; values: string } {
  const names = ids.map((id) => table.columns[ordinalOf(table, id)]?.name ?? '?').join(', ');
  const values = ids.map((id) => {
    const ordinal = ordinalOf(table, id);
    const column = table.columns[ordinal];
    return column === undefined ? '?' : (formatNullable(row[ordinal] ?? null, column.type, ctx) ?? 'null');
  }).join(', ');
  return { names, values };
}

async function tableById(catalog: CatalogStore, id: number): Promise<TableDescriptor> {
  const descriptor = await catalog.descriptor(id);
  if (descriptor?.kind !== 'table') throw new PgError('XX000', `foreign key references missing table ${id}`);
  return descriptor;
}

/** Checks that each foreign key of a new or changed referencing row finds its referenced row. */
export async function checkReferences(table: TableDescriptor, row: readonly Value[], env: ForeignKeyEnv, before?: readonly Value[]): Promise<void> {
  for (const fk of table.foreignKeys ?? []) {
    const values = fk.columnIds.map((id) => (row[ordinalOf(table, id)] ?? null) as Datum);
    if (values.some((v) => v === null)) continue;
    if (before !== undefined && fk.columnIds.every((id) => {
      const o = ordinalOf(table, id);
      const a = before[o] ?? null;
      const b = row[o] ?? null;
      return a !== null && b !== null && compareValues(a, b, table.columns[o]?.type ?? { oid: 25, typmod: -1 }) === 0;
    })) continue;
    const parent = fk.referencedTableId === table.id ? table : await tableById(env.catalog, fk.referencedTableId);
    if (fk.referencedTableId === table.id && fk.columnIds.every((id, i) => row[ordinalOf(table, id)] !== null &&
      compareValues(row[ordinalOf(table, id)] ?? null, row[ordinalOf(table, fk.referencedColumnIds[i] ?? 0)] ?? null, table.columns[ordinalOf(table, id)]?.type ?? { oid: 25, typmod: -1 }) === 0)) continue;
    if (!(await referencedRowExists(parent, fk, values, env))) {
      const key = keyText(table, fk.columnIds, row, env.typeCtx);
      throw new PgError('23503', `insert or update on table "${table.name}" violates foreign key constraint "${fk.name}"`, {
        detail: `Key (${key.names})=(${key.values}) is not present in table "${parent.name}".`, table: table.name, constraint: fk.name,
      });
    }
  }
}

async function referencedRowExists(parent: TableDescriptor, fk: ForeignKeyConstraint, values: readonly Datum[], env: ForeignKeyEnv): Promise<boolean> {
  const indexes = [parent.primaryIndex, ...parent.indexes.filter((i) => i.unique && i.predicate === undefined)];
  for (const index of indexes) {
    if (index.columnIds.length !== fk.referencedColumnIds.length) continue;
    if (!index.columnIds.every((id) => fk.referencedColumnIds.includes(id))) continue;
    const ordered = index.columnIds.map((id) => values[fk.referencedColumnIds.indexOf(id)] ?? null);
    return (await readRowsByPrefix(env.txn, parent, index, [ordered])).length > 0;
  }
  throw new PgError('XX000', `no unique index of ${parent.name} matches foreign key ${fk.name}`);
}

/**
 * Runs the actions of the foreign keys that reference `parent` when one of its rows is deleted
 * (`after` undefined) or its referenced key changes.
 */
export async function onReferencedRowChange(parent: TableDescriptor, before: readonly Value[], after: readonly Value[] | undefined, env: ForeignKeyEnv): Promise<void> {
  for (const childId of parent.referencedBy ?? []) {
    const child = childId === parent.id ? parent : await tableById(env.catalog, childId);
    for (const fk of child.foreignKeys ?? []) {
      if (fk.referencedTableId !== parent.id) continue;
      const parentOrdinals = fk.referencedColumnIds.map((id) => ordinalOf(parent, id));
      const oldKey = parentOrdinals.map((o) => before[o] ?? null);
      if (oldKey.some((v) => v === null)) continue;
      if (after !== undefined && parentOrdinals.every((o) => {
        const b = after[o] ?? null;
        return b !== null && compareValues(before[o] ?? null, b, parent.columns[o]?.type ?? { oid: 25, typmod: -1 }) === 0;
      })) continue;
      const childOrdinals = fk.columnIds.map((id) => ordinalOf(child, id));
      const referencing = (await readAllRows(env.txn, child)).filter(({ row }) => childOrdinals.every((o, i) => {
        const v = row[o] ?? null;
        return v !== null && compareValues(v, oldKey[i] ?? null, child.columns[o]?.type ?? { oid: 25, typmod: -1 }) === 0;
      }));
      if (referencing.length === 0) continue;
      const action = after === undefined ? fk.onDelete : fk.onUpdate;
      if (action === 'noAction' || action === 'restrict') {
        const key = keyText(parent, fk.referencedColumnIds, before, env.typeCtx);
        throw new PgError('23503', `update or delete on table "${parent.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`, {
          detail: `Key (${key.names})=(${key.values}) is still referenced from table "${child.name}".`, table: child.name, constraint: fk.name,
        });
      }
      for (const { row } of referencing) {
        if (action === 'cascade' && after === undefined) {
          await env.deleteRow(child, row);
          continue;
        }
        const changed = row.slice();
        childOrdinals.forEach((o, i) => {
          changed[o] = action === 'cascade' ? (after?.[parentOrdinals[i] ?? 0] ?? null) : action === 'setNull' ? null : env.defaultValue(child, o);
        });
        await env.updateRow(child, row, changed);
      }
    }
  }
}
