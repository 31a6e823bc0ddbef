/**
 * INSERT, UPDATE and DELETE to plans: the rows to write come from a relational plan, and the
 * table's defaults, CHECK constraints and RETURNING list are bound to the table's full row.
 */
import type { DeleteStmt, InsertStmt, Node, OnConflictClause, ResTarget, SelectStmt, UpdateStmt } from '@pgsql/types';
import type { TableDescriptor } from '../catalog/descriptors.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import { GeneratedAlways } from '../session/pending-sqlstates.js';
import type { OutputColumn, RelExpr } from '../plan/rel-expr.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { Oid } from '../types/oids.js';
import { sqlType, T } from '../types/sql-type.js';
import { elementTypeOf, isArrayType } from '../types/type-registry.js';
import type { SqlType } from '../types/sql-type.js';
import { formatType } from '../types/typmod.js';
import type { BindContext } from './bind-context.js';
import { bindFromList, checkDistinctAliases, tableColumns, type TableLookup } from './bind-from.js';
import type { QueryBinder } from './bind-query.js';
import { columnNameOf } from './bind-query.js';
import { bindBoolean, bindExpr, coerce, nodeKind, nullConst, resolveUnknown, stringsOf } from './bind-scalar.js';
import { Scope, type ScopeColumn } from './scope.js';

export interface ReturningPlan {
  readonly columns: readonly OutputColumn[];
  /** Evaluated on the written row (the full table row). */
  readonly exprs: readonly ScalarExpr[];
}

export interface TableBinding {
  readonly table: TableDescriptor;
  /** CHECK constraints; `view` marks a view's WITH CHECK OPTION (44000 rather than 23514). */
  readonly checks: readonly { readonly name: string; readonly expr: ScalarExpr; readonly view?: string }[];
  readonly predicates: ReadonlyMap<number, ScalarExpr>;
  /** Default of each column (by position); undefined where the column has none (NULL). */
  readonly defaults: readonly (ScalarExpr | undefined)[];
}

export type DmlPlan =
  | {
      readonly kind: 'insert';
      readonly target: TableBinding;
      /** Produces, per row, the values of `columnOrdinals` in order. */
      readonly source: RelExpr;
      readonly columnOrdinals: readonly number[];
      readonly returning: ReturningPlan | undefined;
      readonly onConflict: OnConflictPlan | undefined;
    }
  | {
      readonly kind: 'update';
      readonly target: TableBinding;
      /** Rows of the table (full rows) followed by the FROM items' columns. */
      readonly source: RelExpr;
      readonly assignments: readonly { readonly ordinal: number; readonly expr: ScalarExpr }[];
      readonly returning: ReturningPlan | undefined;
    }
  | {
      readonly kind: 'delete';
      readonly target: TableBinding;
      readonly source: RelExpr;
      readonly returning: ReturningPlan | undefined;
    };

export interface OnConflictPlan {
  readonly action: 'nothing' | 'update';
  /** Column ordinals of the conflict target (empty: any unique constraint). */
  readonly targetOrdinals: readonly number[];
  /** DO UPDATE SET: evaluated on [existing row..., excluded row...]. */
  readonly assignments: readonly { readonly ordinal: number; readonly expr: ScalarExpr }[];
  readonly where: ScalarExpr | undefined;
}

function tableScopeColumns(table: TableDescriptor, alias: string, offset = 0): ScopeColumn[] {
  return table.columns.map((c, index) => ({
    table: alias, name: c.name, type: c.type, index: index + offset, qualifiedOnly: false, hiddenFromStar: c.hidden, tableId: table.id, attnum: index + 1,
    relation: table.name,
  }));
}

export function assignmentCoerce(expr: ScalarExpr, type: SqlType, column: string, ctx: BindContext): ScalarExpr {
  try {
    return coerce(expr, type, 'assignment', ctx);
  } catch (err) {
    if (err instanceof PgError && err.code === '42846') {
      throw new PgError('42804', `column "${column}" is of type ${formatType({ oid: type.oid, typmod: -1 })} but expression is of type ${formatType(expr.type)}`, {
        hint: 'You will need to rewrite or cast the expression.',
      });
    }
    throw err;
  }
}

export function bindTableBinding(table: TableDescriptor, binder: QueryBinder): TableBinding {
  const scope = new Scope(tableScopeColumns(table, table.name), undefined, new Map());
  const ctx = binder.context(scope, 'check constraints');
  const checks = table.checks.map((c) => ({ name: c.name, expr: bindBoolean(c.expr, ctx, 'CHECK') }));
  const predicates = new Map<number, ScalarExpr>();
  for (const index of table.indexes) {
    if (index.predicate !== undefined) predicates.set(index.id, bindBoolean(index.predicate, ctx, 'WHERE'));
  }
  const emptyCtx = binder.context(Scope.empty(undefined, new Map()), 'DEFAULT expressions');
  const defaults = table.columns.map((c) =>
    c.defaultExpr === undefined ? undefined : assignmentCoerce(bindExpr(c.defaultExpr, emptyCtx), c.type, c.name, emptyCtx));
  return { table, checks, predicates, defaults };
}

function bindReturning(list: readonly Node[] | undefined, scope: Scope, binder: QueryBinder): ReturningPlan | undefined {
  if (list === undefined || list.length === 0) return undefined;
  const ctx = binder.context(scope, 'RETURNING');
  const columns: OutputColumn[] = [];
  const exprs: ScalarExpr[] = [];
  for (const item of list) {
    const [, body] = nodeKind(item);
    const target = body as ResTarget;
    if (target.val === undefined) continue;
    const [vkind, vbody] = nodeKind(target.val);
    if (vkind === 'ColumnRef') {
      const names = stringsOf((vbody as { fields?: Node[] }).fields);
      if (names.at(-1) === '*') {
        for (const column of scope.starColumns(names.length >= 2 ? names[names.length - 2] : undefined)) {
          columns.push({ name: column.name, type: column.type, ...(column.tableId === undefined ? {} : { tableId: column.tableId }), ...(column.attnum === undefined ? {} : { columnAttnum: column.attnum }) });
          exprs.push(column.expr ?? { kind: 'column', type: column.type, index: column.index });
        }
        continue;
      }
    }
    const expr = resolveUnknown(bindExpr(target.val, ctx), ctx);
    columns.push({ name: target.name ?? columnNameOf(target.val), type: expr.type });
    exprs.push(expr);
  }
  return { columns, exprs };
}

function requireTable(lookup: TableLookup, rv: { relname?: string; schemaname?: string } | undefined): TableDescriptor {
  const name = rv?.relname ?? '';
  const table = lookup(rv?.schemaname, name);
  if (table === undefined) throw new PgError('42P01', `relation "${name}" does not exist`);
  return table;
}

function columnOrdinalByName(table: TableDescriptor, name: string): number {
  const ordinal = table.columns.findIndex((c) => c.name === name && !c.hidden);
  if (ordinal < 0) throw new PgError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  return ordinal;
}

export function bindInsert(stmt: InsertStmt, binder: QueryBinder, lookup: TableLookup): DmlPlan {
  const table = requireTable(lookup, stmt.relation);
  const target = bindTableBinding(table, binder);
  const explicit = (stmt.cols ?? []).map((c) => (nodeKind(c)[1] as ResTarget).name ?? '');
  const columnOrdinals = explicit.length > 0
    ? explicit.map((name) => columnOrdinalByName(table, name))
    : table.columns.map((c, i) => (c.hidden ? -1 : i)).filter((i) => i >= 0);
  if (explicit.length === 0) {
    // Without a column list the values fill the first columns; the rest take their defaults.
    const select = stmt.selectStmt === undefined ? undefined : (nodeKind(stmt.selectStmt)[1] as SelectStmt);
    const width = select?.valuesLists !== undefined
      ? Math.max(0, ...select.valuesLists.map((l) => ((nodeKind(l)[1] as { items?: Node[] }).items ?? []).length))
      : select?.targetList !== undefined && select.op === 'SETOP_NONE' && !select.targetList.some((t) => JSON.stringify(t).includes('A_Star')) ? select.targetList.length : columnOrdinals.length;
    if (width > columnOrdinals.length) throw new PgError('42601', 'INSERT has more expressions than target columns');
    columnOrdinals.length = width;
  }
  const seen = new Set<number>();
  for (const [i, o] of columnOrdinals.entries()) {
    if (seen.has(o)) throw new PgError('42701', `column "${explicit[i] ?? ''}" specified more than once`);
    seen.add(o);
  }
  const checkIdentity = (ordinal: number): void => {
    const column = table.columns[ordinal];
    if (column?.identity === 'always' && stmt.override !== 'OVERRIDING_SYSTEM_VALUE') {
      throw new PgError(GeneratedAlways, `cannot insert a non-DEFAULT value into column "${column.name}"`, {
        detail: `Column "${column.name}" is an identity column defined as GENERATED ALWAYS.`, hint: 'Use OVERRIDING SYSTEM VALUE to override.',
      });
    }
  };
  const ctx = binder.context(binder.withScope(stmt.withClause), 'VALUES');
  let source: RelExpr;
  const select = stmt.selectStmt === undefined ? undefined : (nodeKind(stmt.selectStmt)[1] as SelectStmt);
  if (select === undefined) {
    // INSERT ... DEFAULT VALUES
    source = { kind: 'values', columns: [], rows: [[]] };
    columnOrdinals.length = 0;
  } else if (select.valuesLists !== undefined && select.op === 'SETOP_NONE' && select.sortClause === undefined && select.limitCount === undefined) {
    const lengths = new Set(select.valuesLists.map((list) => ((nodeKind(list)[1] as { items?: Node[] }).items ?? []).length));
    if (lengths.size > 1) throw new PgError('42601', 'VALUES lists must all be the same length');
    const rows = select.valuesLists.map((list) => {
      const items = (nodeKind(list)[1] as { items?: Node[] }).items ?? [];
      if (items.length > columnOrdinals.length) throw new PgError('42601', 'INSERT has more expressions than target columns');
      if (items.length < columnOrdinals.length) throw new PgError('42601', 'INSERT has more target columns than expressions');
      return items.map((item, i) => {
        const ordinal = columnOrdinals[i] ?? 0;
        const column = table.columns[ordinal];
        if (column === undefined) throw new PgError('XX000', 'insert column out of range');
        if (nodeKind(item)[0] === 'SetToDefault') return target.defaults[ordinal] ?? nullConst(column.type);
        checkIdentity(ordinal);
        return assignmentCoerce(bindExpr(item, ctx), column.type, column.name, ctx);
      });
    });
    const columns = columnOrdinals.map((o) => ({ name: table.columns[o]?.name ?? '', type: table.columns[o]?.type ?? { oid: Oid.text, typmod: -1 } }));
    source = { kind: 'values', columns, rows };
  } else {
    const query = binder.bindQuery(stmt.selectStmt as Node, binder.withScope(stmt.withClause));
    if (query.columns.length > columnOrdinals.length) throw new PgError('42601', 'INSERT has more expressions than target columns');
    const exprs = query.columns.map((c, i) => {
      checkIdentity(columnOrdinals[i] ?? 0);
      const column = table.columns[columnOrdinals[i] ?? 0];
      if (column === undefined) throw new PgError('XX000', 'insert column out of range');
      return assignmentCoerce({ kind: 'column', type: c.type, index: i }, column.type, column.name, ctx);
    });
    columnOrdinals.length = query.columns.length;
    source = { kind: 'project', columns: query.columns, input: query, exprs };
  }
  const alias = stmt.relation?.alias?.aliasname ?? table.name;
  const rowScope = new Scope(tableScopeColumns(table, alias), undefined, new Map());
  const returning = bindReturning(stmt.returningList, rowScope, binder);
  const onConflict = stmt.onConflictClause === undefined ? undefined : bindOnConflict(stmt.onConflictClause, table, alias, binder);
  return { kind: 'insert', target, source, columnOrdinals, returning, onConflict };
}

function bindOnConflict(clause: OnConflictClause, table: TableDescriptor, alias: string, binder: QueryBinder): OnConflictPlan {
  const targetOrdinals = (clause.infer?.indexElems ?? []).map((e) => {
    const elem = nodeKind(e)[1] as { name?: string };
    if (elem.name === undefined) throw unsupported('ON CONFLICT on an expression');
    return columnOrdinalByName(table, elem.name);
  });
  if (clause.infer?.conname !== undefined) {
    const index = [table.primaryIndex, ...table.indexes].find((i) => i.name === clause.infer?.conname);
    if (index === undefined) throw new PgError('42704', `constraint "${clause.infer.conname}" for table "${table.name}" does not exist`);
    targetOrdinals.push(...index.columnIds.map((id) => table.columns.findIndex((c) => c.id === id)));
  }
  if (targetOrdinals.length > 0) {
    // A partial unique index serves when the statement names a predicate (ON CONFLICT (c) WHERE p).
    const partialOk = clause.infer?.whereClause !== undefined;
    const matches = [table.primaryIndex, ...table.indexes].some((i) => i.unique && (i.predicate === undefined || partialOk) &&
      i.columnIds.length === targetOrdinals.length && i.columnIds.every((id) => targetOrdinals.includes(table.columns.findIndex((c) => c.id === id))));
    if (!matches) throw new PgError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  if (clause.action === 'ONCONFLICT_NOTHING') return { action: 'nothing', targetOrdinals, assignments: [], where: undefined };
  if (targetOrdinals.length === 0) throw new PgError('42601', 'ON CONFLICT DO UPDATE requires inference specification or constraint name', { hint: 'For example, ON CONFLICT (column_name).' });
  const width = table.columns.length;
  const scope = new Scope([...tableScopeColumns(table, alias), ...tableScopeColumns(table, 'excluded', width)], undefined, new Map());
  const ctx = binder.context(scope, 'ON CONFLICT');
  const assignments = bindAssignments(clause.targetList ?? [], table, ctx);
  const where = clause.whereClause === undefined ? undefined : bindBoolean(clause.whereClause, ctx, 'WHERE');
  return { action: 'update', targetOrdinals, assignments, where };
}

function bindAssignments(list: readonly Node[], table: TableDescriptor, ctx: BindContext): { ordinal: number; expr: ScalarExpr }[] {
  const out: { ordinal: number; expr: ScalarExpr }[] = [];
  const defaults = new Map<number, ScalarExpr | undefined>();
  for (const item of list) {
    const target = nodeKind(item)[1] as ResTarget;
    const name = target.name ?? '';
    const ordinal = columnOrdinalByName(table, name);
    if (out.some((a) => a.ordinal === ordinal)) throw new PgError('42601', `multiple assignments to same column "${name}"`);
    const column = table.columns[ordinal];
    if (column === undefined || target.val === undefined) throw new PgError('XX000', 'assignment without a value');
    let value: Node = target.val;
    if (nodeKind(value)[0] === 'MultiAssignRef') {
      // SET (a, b) = (x, y): each column takes its field of the row.
      const multi = nodeKind(value)[1] as { source?: Node; colno?: number; ncolumns?: number };
      if (multi.source === undefined || nodeKind(multi.source)[0] !== 'RowExpr') throw unsupported('SET (...) = (subquery)');
      const fields = (nodeKind(multi.source)[1] as { args?: Node[] }).args ?? [];
      if (fields.length !== multi.ncolumns) throw new PgError('42601', 'number of columns does not match number of values');
      const field = fields[(multi.colno ?? 1) - 1];
      if (field === undefined) throw new PgError('42601', 'number of columns does not match number of values');
      value = field;
    }
    let expr: ScalarExpr;
    if (column.identity === 'always' && nodeKind(value)[0] !== 'SetToDefault') {
      throw new PgError(GeneratedAlways, `column "${column.name}" can only be updated to DEFAULT`, {
        detail: `Column "${column.name}" is an identity column defined as GENERATED ALWAYS.`,
      });
    }
    if (nodeKind(value)[0] === 'SetToDefault') {
      if (!defaults.has(ordinal)) {
        const emptyCtx: BindContext = { ...ctx, scope: Scope.empty(undefined, new Map()) };
        defaults.set(ordinal, column.defaultExpr === undefined ? undefined : assignmentCoerce(bindExpr(column.defaultExpr, emptyCtx), column.type, column.name, emptyCtx));
      }
      expr = defaults.get(ordinal) ?? nullConst(column.type);
    } else if ((target.indirection?.length ?? 0) > 0) {
      // SET a[i] = v: the column's array with one element replaced.
      const [stepKind, stepBody] = nodeKind(target.indirection?.[0] as Node);
      const indices = stepBody as { is_slice?: boolean; uidx?: Node };
      if (stepKind !== 'A_Indices' || indices.is_slice === true || indices.uidx === undefined || (target.indirection?.length ?? 0) > 1) {
        throw unsupported('assignment to array slices and fields');
      }
      if (!isArrayType(column.type.oid)) throw new PgError('42804', `cannot subscript type ${formatType(column.type)} because it does not support subscripting`);
      const elementType = sqlType(elementTypeOf(column.type.oid), column.type.typmod);
      const current: ScalarExpr = { kind: 'column', type: column.type, index: ordinal };
      expr = {
        kind: 'arraySet', type: column.type, array: current, index: coerce(bindExpr(indices.uidx, ctx), T.int4, 'implicit', ctx),
        value: assignmentCoerce(bindExpr(value, ctx), elementType, column.name, ctx),
      };
    } else {
      expr = assignmentCoerce(bindExpr(value, ctx), column.type, column.name, ctx);
    }
    out.push({ ordinal, expr });
  }
  return out;
}

export function bindUpdate(stmt: UpdateStmt, binder: QueryBinder, lookup: TableLookup): DmlPlan {
  const table = requireTable(lookup, stmt.relation);
  const target = bindTableBinding(table, binder);
  const alias = stmt.relation?.alias?.aliasname ?? table.name;
  const tableColumnsScope = tableScopeColumns(table, alias);
  let source: RelExpr = { kind: 'scan', columns: tableColumns(table), table, constraint: { kind: 'full' }, lockForUpdate: false };
  let columns = tableColumnsScope;
  const withScope = binder.withScope(stmt.withClause);
  if ((stmt.fromClause?.length ?? 0) > 0) {
    const from = bindFromList(stmt.fromClause ?? [], { lookupTable: lookup, ctx: binder.context(withScope, 'FROM') });
    const width = table.columns.length;
    checkDistinctAliases(tableColumnsScope, from.columns);
    columns = [...tableColumnsScope, ...from.columns.map((c) => ({ ...c, index: c.index + width }))];
    source = { kind: 'join', columns: [...source.columns, ...from.plan.columns], joinType: 'inner', left: source, right: from.plan, on: undefined, lateral: false };
  }
  const scope = new Scope(columns, withScope, withScope.ctes);
  const ctx = binder.context(scope, 'UPDATE');
  if (stmt.whereClause !== undefined) {
    source = { kind: 'filter', columns: source.columns, input: source, predicate: bindBoolean(stmt.whereClause, { ...ctx, clause: 'WHERE' }, 'WHERE') };
  }
  const assignments = bindAssignments(stmt.targetList ?? [], table, ctx);
  const returning = bindReturning(stmt.returningList, new Scope(columns, undefined, new Map()), binder);
  return { kind: 'update', target, source, assignments, returning };
}

export function bindDelete(stmt: DeleteStmt, binder: QueryBinder, lookup: TableLookup): DmlPlan {
  const table = requireTable(lookup, stmt.relation);
  const target = bindTableBinding(table, binder);
  const alias = stmt.relation?.alias?.aliasname ?? table.name;
  let source: RelExpr = { kind: 'scan', columns: tableColumns(table), table, constraint: { kind: 'full' }, lockForUpdate: false };
  let columns = tableScopeColumns(table, alias);
  const withScope = binder.withScope(stmt.withClause);
  if ((stmt.usingClause?.length ?? 0) > 0) {
    const from = bindFromList(stmt.usingClause ?? [], { lookupTable: lookup, ctx: binder.context(withScope, 'USING') });
    const width = table.columns.length;
    checkDistinctAliases(columns, from.columns);
    columns = [...columns, ...from.columns.map((c) => ({ ...c, index: c.index + width }))];
    source = { kind: 'join', columns: [...source.columns, ...from.plan.columns], joinType: 'inner', left: source, right: from.plan, on: undefined, lateral: false };
  }
  const scope = new Scope(columns, withScope, withScope.ctes);
  if (stmt.whereClause !== undefined) {
    source = { kind: 'filter', columns: source.columns, input: source, predicate: bindBoolean(stmt.whereClause, binder.context(scope, 'WHERE'), 'WHERE') };
  }
  const returning = bindReturning(stmt.returningList, scope, binder);
  return { kind: 'delete', target, source, returning };
}

/** Adds a view's WITH CHECK OPTION condition to the rows an INSERT or UPDATE writes through it. */
export function withViewCheck(plan: DmlPlan, check: { readonly view: string; readonly expr: Node }, binder: QueryBinder): DmlPlan {
  if (plan.kind === 'delete') return plan;
  const table = plan.target.table;
  const scope = new Scope(tableScopeColumns(table, table.name), undefined, new Map());
  const expr = bindBoolean(check.expr, binder.context(scope, 'check options'), 'WITH CHECK OPTION');
  return { ...plan, target: { ...plan.target, checks: [...plan.target.checks, { name: check.view, expr, view: check.view }] } };
}
