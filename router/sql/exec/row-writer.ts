/**
 * Writes, replaces and deletes table rows with their secondary index entries, enforcing NOT NULL,
 * CHECK and uniqueness (a conditional put that expects the key to be absent: if it exists, the
 * row violates the constraint, 23505).
 */
import type { IndexDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import { PgError } from '../errors/pg-error.js';
import { WithCheckOptionViolation } from '../session/pending-sqlstates.js';
import { indexValues, primaryKey, secondaryIndexEntry } from '../rowcodec/index-key.js';
import { encodeRowValue } from '../rowcodec/row-value.js';
import type { SqlKvTxn } from '../session/sql-kv.js';
import type { TypeContext } from '../types/type-context.js';
import { formatNullable } from '../types/io/value-io.js';
import type { Value } from '../types/value.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { evalScalar, type EvalEnv } from './eval-scalar.js';
import { checkReferences, onReferencedRowChange, type ForeignKeyEnv } from './foreign-keys.js';

export interface TableWriteContext {
  readonly table: TableDescriptor;
  /** CHECK constraints bound to the table's full row. */
  readonly checks: readonly { readonly name: string; readonly expr: ScalarExpr; readonly view?: string }[];
  /** Partial-index predicates bound to the full row, by index id. */
  readonly predicates: ReadonlyMap<number, ScalarExpr>;
  readonly env: EvalEnv;
  readonly typeCtx: TypeContext;
  /** Foreign-key checks and actions; absent where the table can have none (CREATE TABLE AS). */
  readonly fk?: ForeignKeyEnv;
}

function keyColumnIds(table: TableDescriptor): Set<number> {
  return new Set(table.primaryIndex.columnIds);
}

function describeRow(row: readonly Value[], w: TableWriteContext): string {
  const visible = w.table.columns.map((c, i) => ({ c, v: (row[i] ?? null) as Value })).filter(({ c }) => !c.hidden);
  return `Failing row contains (${visible.map(({ c, v }) => formatNullable(v, c.type, w.typeCtx) ?? 'null').join(', ')}).`;
}

export function checkRow(row: readonly Value[], w: TableWriteContext): void {
  w.table.columns.forEach((column, i) => {
    if (!column.nullable && (row[i] ?? null) === null) {
      throw new PgError('23502', `null value in column "${column.name}" of relation "${w.table.name}" violates not-null constraint`, {
        detail: describeRow(row, w), table: w.table.name, column: column.name,
      });
    }
  });
  for (const check of w.checks) {
    if (check.view !== undefined) {
      // A view's check option is met only by rows its WHERE accepts (NULL is not accepted).
      if (evalScalar(check.expr, row, w.env) !== true) {
        throw new PgError(WithCheckOptionViolation, `new row violates check option for view "${check.view}"`, { detail: describeRow(row, w) });
      }
      continue;
    }
    if (evalScalar(check.expr, row, w.env) === false) {
      throw new PgError('23514', `new row for relation "${w.table.name}" violates check constraint "${check.name}"`, {
        detail: describeRow(row, w), table: w.table.name, constraint: check.name,
      });
    }
  }
}

function indexApplies(index: IndexDescriptor, row: readonly Value[], w: TableWriteContext): boolean {
  const predicate = w.predicates.get(index.id);
  return predicate === undefined || evalScalar(predicate, row, w.env) === true;
}

function duplicateKey(index: IndexDescriptor, row: readonly Value[], w: TableWriteContext): PgError {
  const names = index.columnIds.map((id) => w.table.columns.find((c) => c.id === id)?.name ?? '?');
  const values = indexValues(w.table, index, row).map((v, i) => {
    const column = w.table.columns.find((c) => c.id === index.columnIds[i]);
    return column === undefined ? String(v) : (formatNullable(v, column.type, w.typeCtx) ?? 'null');
  });
  return new PgError('23505', `duplicate key value violates unique constraint "${index.name}"`, {
    detail: `Key (${names.join(', ')})=(${values.join(', ')}) already exists.`, table: w.table.name, constraint: index.name,
  });
}

/** Inserts a new row; answers false (writing nothing more) when `onConflictSkip` and a unique key exists. */
export async function insertRow(txn: SqlKvTxn, row: readonly Value[], w: TableWriteContext, onConflictSkip = false): Promise<boolean> {
  checkRow(row, w);
  const key = primaryKey(w.table, row);
  if (!(await txn.putIfAbsent(key, encodeRowValue(w.table, row, keyColumnIds(w.table))))) {
    if (onConflictSkip) return false;
    throw duplicateKey(w.table.primaryIndex, row, w);
  }
  for (const index of w.table.indexes) {
    if (!indexApplies(index, row, w)) continue;
    const entry = secondaryIndexEntry(w.table, index, row);
    if (entry.unique) {
      if (!(await txn.putIfAbsent(entry.key, entry.value))) {
        if (onConflictSkip) {
          await txn.del(key);
          return false;
        }
        throw duplicateKey(index, row, w);
      }
    } else {
      await txn.put(entry.key, entry.value);
    }
  }
  if (w.fk !== undefined) await checkReferences(w.table, row, w.fk);
  return true;
}

export async function deleteRow(txn: SqlKvTxn, row: readonly Value[], w: TableWriteContext): Promise<void> {
  await txn.del(primaryKey(w.table, row));
  for (const index of w.table.indexes) {
    if (!indexApplies(index, row, w)) continue;
    await txn.del(secondaryIndexEntry(w.table, index, row).key);
  }
  if (w.fk !== undefined) await onReferencedRowChange(w.table, row, undefined, w.fk);
}

export async function updateRow(txn: SqlKvTxn, before: readonly Value[], after: readonly Value[], w: TableWriteContext): Promise<void> {
  checkRow(after, w);
  const oldKey = primaryKey(w.table, before);
  const newKey = primaryKey(w.table, after);
  const value = encodeRowValue(w.table, after, keyColumnIds(w.table));
  const sameKey = Buffer.compare(Buffer.from(oldKey), Buffer.from(newKey)) === 0;
  if (sameKey) {
    await txn.put(newKey, value);
  } else {
    await txn.del(oldKey);
    if (!(await txn.putIfAbsent(newKey, value))) throw duplicateKey(w.table.primaryIndex, after, w);
  }
  for (const index of w.table.indexes) {
    const oldApplies = indexApplies(index, before, w);
    const newApplies = indexApplies(index, after, w);
    const oldEntry = secondaryIndexEntry(w.table, index, before);
    const newEntry = secondaryIndexEntry(w.table, index, after);
    const unchanged = oldApplies && newApplies && Buffer.compare(Buffer.from(oldEntry.key), Buffer.from(newEntry.key)) === 0 &&
      Buffer.compare(Buffer.from(oldEntry.value), Buffer.from(newEntry.value)) === 0;
    if (unchanged) continue;
    if (oldApplies) await txn.del(oldEntry.key);
    if (!newApplies) continue;
    if (newEntry.unique) {
      if (!(await txn.putIfAbsent(newEntry.key, newEntry.value))) throw duplicateKey(index, after, w);
    } else {
      await txn.put(newEntry.key, newEntry.value);
    }
  }
  if (w.fk !== undefined) {
    await checkReferences(w.table, after, w.fk, before);
    await onReferencedRowChange(w.table, before, after, w.fk);
  }
}
