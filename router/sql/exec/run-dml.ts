/**
 * Executes INSERT, UPDATE and DELETE plans: computes the rows to write at the statement's
 * snapshot, then writes them with their index entries and constraint checks, and answers the
 * RETURNING rows and the command tag.
 */
import type { Datum } from '../../../storage/key-codec/datum.js';
import { PgError } from '../errors/pg-error.js';
import { primaryKey } from '../rowcodec/index-key.js';
import { bindTableBinding, type DmlPlan, type TableBinding } from '../semantic/bind-dml.js';
import type { TableDescriptor } from '../catalog/descriptors.js';
import type { ForeignKeyEnv } from './foreign-keys.js';
import { binderFor, resultColumns } from './run-query.js';
import { prefetchTables } from '../semantic/table-prefetch.js';
import { optimize } from '../opt/optimizer.js';
import type { StatementContext } from '../session/statement-context.js';
import type { StatementResult } from '../session/statement-result.js';
import type { Value } from '../types/value.js';
import { evalScalar } from './eval-scalar.js';
import { deleteRow, insertRow, updateRow, type TableWriteContext } from './row-writer.js';
import { fetchScans, makeRunEnv, runRel, type RunEnv } from './run-rel.js';
import { decodeStoredRow, readRowsByPrefix } from './table-reader.js';
import type { RelExpr } from '../plan/rel-expr.js';

function writeContext(target: TableBinding, env: RunEnv, ctx: StatementContext): TableWriteContext {
  const bindings = new Map<number, TableWriteContext>();
  const contextFor = (table: TableDescriptor): TableWriteContext => {
    let w = bindings.get(table.id);
    if (w === undefined || w.table.version !== table.version) {
      const binding = bindTableBinding(table, binderFor(ctx));
      w = { table, checks: binding.checks, predicates: binding.predicates, env, typeCtx: env.ctx, fk };
      bindings.set(table.id, w);
    }
    return w;
  };
  const fk: ForeignKeyEnv = {
    txn: ctx.txn, catalog: ctx.catalog, typeCtx: env.ctx,
    deleteRow: (table, row) => deleteRow(ctx.txn, row, contextFor(table)),
    updateRow: (table, before, after) => updateRow(ctx.txn, before, after, contextFor(table)),
    defaultValue: (table, ordinal) => {
      const expr = bindTableBinding(table, binderFor(ctx)).defaults[ordinal];
      return expr === undefined ? null : evalScalar(expr, [], env);
    },
  };
  return { table: target.table, checks: target.checks, predicates: target.predicates, env, typeCtx: env.ctx, fk };
}

function keyText(key: Uint8Array): string {
  return Buffer.from(key).toString('hex');
}

export async function runDml(ctx: StatementContext, unoptimized: DmlPlan): Promise<StatementResult> {
  // Index selection narrows what UPDATE and DELETE read (and so what they conflict with).
  const plan: DmlPlan = { ...unoptimized, source: optimize(unoptimized.source) } as DmlPlan;
  // Referencing tables may need their defaults (ON DELETE SET DEFAULT) and CHECKs bound.
  for (const childId of plan.target.table.referencedBy ?? []) {
    const child = await ctx.catalog.descriptor(childId);
    if (child?.kind === 'table') await prefetchTables(ctx, { columns: child.columns.map((c) => c.defaultExpr ?? null) });
  }
  const scans = await fetchScans(ctx.txn, [plan]);
  const env = makeRunEnv(ctx.evalCtx, scans, ctx.params);
  const w = writeContext(plan.target, env, ctx);
  const returned: Value[][] = [];
  let count = 0;
  const returning = plan.returning;
  const emit = (row: readonly Value[]): void => {
    count++;
    if (returning !== undefined) returned.push(returning.exprs.map((e) => evalScalar(e, row, env)));
  };
  switch (plan.kind) {
    case 'insert': {
      const table = plan.target.table;
      const touched = new Set<string>();
      for (const source of runRel(plan.source, env)) {
        const row: Value[] = table.columns.map((column, ordinal) => {
          const position = plan.columnOrdinals.indexOf(ordinal);
          if (position >= 0) return source[position] ?? null;
          if (column.hidden) return ctx.allocateRowId();
          const fallback = plan.target.defaults[ordinal];
          return fallback === undefined ? null : evalScalar(fallback, [], env);
        });
        if (plan.onConflict === undefined) {
          await insertRow(ctx.txn, row, w);
          touched.add(keyText(primaryKey(table, row)));
          emit(row);
          continue;
        }
        if (await insertRow(ctx.txn, row, w, true)) {
          touched.add(keyText(primaryKey(table, row)));
          emit(row);
          continue;
        }
        if (plan.onConflict.action === 'nothing') continue;
        const existing = await conflictingRow(ctx, plan.target, plan.onConflict.targetOrdinals, row);
        if (existing === undefined) throw new PgError('XX000', 'ON CONFLICT found a conflict but not the conflicting row');
        const existingKey = keyText(primaryKey(table, existing));
        if (touched.has(existingKey)) {
          throw new PgError('21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
            hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
          });
        }
        const combined = [...existing, ...row];
        if (plan.onConflict.where !== undefined && evalScalar(plan.onConflict.where, combined, env) !== true) continue;
        const after = existing.slice();
        for (const a of plan.onConflict.assignments) after[a.ordinal] = evalScalar(a.expr, combined, env);
        await updateRow(ctx.txn, existing, after, w);
        touched.add(keyText(primaryKey(table, after)));
        emit(after);
      }
      break;
    }
    case 'update': {
      const width = plan.target.table.columns.length;
      const seen = new Set<string>();
      for (const stale of runRel(plan.source, env)) {
        const source = await relock(ctx, plan.source, stale, width, env);
        if (source === undefined) continue;
        const before = source.slice(0, width);
        const key = keyText(primaryKey(plan.target.table, before));
        if (seen.has(key)) continue;
        seen.add(key);
        const after = before.slice();
        for (const a of plan.assignments) after[a.ordinal] = evalScalar(a.expr, source, env);
        await updateRow(ctx.txn, before, after, w);
        emit([...after, ...source.slice(width)]);
      }
      break;
    }
    case 'delete': {
      const width = plan.target.table.columns.length;
      const seen = new Set<string>();
      for (const stale of runRel(plan.source, env)) {
        const source = await relock(ctx, plan.source, stale, width, env);
        if (source === undefined) continue;
        const row = source.slice(0, width);
        const key = keyText(primaryKey(plan.target.table, row));
        if (seen.has(key)) continue;
        seen.add(key);
        await deleteRow(ctx.txn, row, w);
        emit(source);
      }
      break;
    }
  }
  const tag = plan.kind === 'insert' ? `INSERT 0 ${count}` : plan.kind === 'update' ? `UPDATE ${count}` : `DELETE ${count}`;
  const columns = returning === undefined ? [] : resultColumns(returning.columns);
  return { columns, rows: returned, commandTag: tag, notices: ctx.notices };
}

/**
 * Locks a row UPDATE or DELETE is about to change and answers it as it is now: another
 * transaction may have changed it since the statement's snapshot (READ COMMITTED then works on
 * the newest version and checks the WHERE clause again, as PostgreSQL's EvalPlanQual does;
 * SERIALIZABLE fails with 40001 when the row changed after its snapshot).
 * Undefined when the row is gone or no longer qualifies. Rows joined from other tables (UPDATE
 * ... FROM) are used as read.
 */
async function relock(ctx: StatementContext, source: RelExpr, row: readonly Value[], width: number, env: RunEnv): Promise<Value[] | undefined> {
  const predicate = source.kind === 'filter' ? source.predicate : undefined;
  const scan = source.kind === 'filter' ? source.input : source;
  if (scan.kind !== 'scan') return row.slice();
  const key = primaryKey(scan.table, row.slice(0, width));
  const [value] = await ctx.txn.lockForUpdate([key]);
  if (value === undefined) return undefined;
  const fresh = decodeStoredRow(scan.table, key, value);
  if (predicate !== undefined && evalScalar(predicate, fresh, env) !== true) return undefined;
  return fresh;
}

async function conflictingRow(ctx: StatementContext, target: TableBinding, ordinals: readonly number[], row: readonly Value[]): Promise<Value[] | undefined> {
  const table = target.table;
  const candidates = [table.primaryIndex, ...table.indexes.filter((i) => i.unique && i.predicate === undefined)];
  for (const index of candidates) {
    const indexOrdinals = index.columnIds.map((id) => table.columns.findIndex((c) => c.id === id));
    if (ordinals.length > 0 && !(indexOrdinals.length === ordinals.length && indexOrdinals.every((o) => ordinals.includes(o)))) continue;
    const values = indexOrdinals.map((o) => (row[o] ?? null) as Datum);
    if (values.some((v) => v === null)) continue;
    const [found] = await readRowsByPrefix(ctx.txn, table, index, [values]);
    if (found !== undefined) return found.row;
  }
  return undefined;
}

