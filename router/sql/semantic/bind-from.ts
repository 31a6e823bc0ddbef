/**
 * FROM clauses: tables, WITH references, subqueries, set-returning functions and joins (ON,
 * USING, NATURAL, LATERAL), each giving a plan and the scope its columns are visible in.
 */
import type { Alias, JoinExpr, Node, RangeFunction, RangeSubselect, RangeVar } from '@pgsql/types';
import { PgError, unsupported } from '../errors/pg-error.js';
import { DuplicateAlias } from '../session/pending-sqlstates.js';
import { resolveFunction } from '../functions/resolve.js';
import { implOf } from './operators.js';
import type { JoinType, OutputColumn, RelExpr } from '../plan/rel-expr.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { sqlType, T } from '../types/sql-type.js';
import { Oid } from '../types/oids.js';
import { elementTypeOf, isArrayType } from '../types/type-registry.js';
import { formatType } from '../types/typmod.js';
import { SqlArray, SqlRecord, type Value } from '../types/value.js';
import type { TableDescriptor, ViewDescriptor } from '../catalog/descriptors.js';
import { selectCommonType } from '../types/common-type.js';
import type { BindContext } from './bind-context.js';
import { bindBinary, bindBoolean, bindExpr, coerce, nodeKind, stringsOf } from './bind-scalar.js';
import { Scope, type ScopeColumn } from './scope.js';

export type TableLookup = (schema: string | undefined, name: string) => TableDescriptor | undefined;
export type ViewLookup = (schema: string | undefined, name: string) => ViewDescriptor | undefined;

export interface FromEnv {
  readonly lookupTable: TableLookup;
  readonly lookupView?: ViewLookup;
  /** The context expressions are bound in (its scope is the enclosing query's). */
  readonly ctx: BindContext;
}

export interface Bound {
  readonly plan: RelExpr;
  readonly columns: readonly ScopeColumn[];
  readonly starOrder?: readonly ScopeColumn[];
}

export function bindFromList(items: readonly Node[], env: FromEnv): Bound {
  let current: Bound | undefined;
  for (const item of items) {
    const right = withSiblingHint(() => bindFromItem(item, env, current), current);
    current = current === undefined ? right : joinBound(current, right, 'inner', undefined, lateralOf(item), env);
  }
  return current ?? { plan: { kind: 'values', columns: [], rows: [[]] }, columns: [] };
}

/** True when a plan refers to an enclosing query's row. */
function readsOuterRow(plan: RelExpr): boolean {
  const seen = new Set<unknown>();
  const walk = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return false;
    seen.add(node);
    if ((node as { kind?: unknown }).kind === 'outer') return true;
    return Object.entries(node).some(([key, value]) => key !== 'table' && walk(value));
  };
  return walk(plan);
}

/**
 * A FROM item naming a sibling it cannot see (no LATERAL) gets PostgreSQL's message, which says
 * the entry exists but is out of reach, rather than that it is missing.
 */
function withSiblingHint(bind: () => Bound, left: Bound | undefined): Bound {
  try {
    return bind();
  } catch (err) {
    const match = err instanceof PgError && err.code === '42P01' ? /^missing FROM-clause entry for table "(.*)"$/.exec(err.message) : null;
    const table = match?.[1];
    if (table !== undefined && left?.columns.some((c) => c.table === table) === true) {
      throw new PgError('42P01', `invalid reference to FROM-clause entry for table "${table}"`, {
        hint: `There is an entry for table "${table}", but it cannot be referenced from this part of the query.`,
      });
    }
    throw err;
  }
}

function lateralOf(item: Node): boolean {
  const [kind, body] = nodeKind(item);
  return (kind === 'RangeSubselect' && (body as RangeSubselect).lateral === true) || (kind === 'RangeFunction');
}

function scopeOf(columns: readonly ScopeColumn[], env: FromEnv, starOrder?: readonly ScopeColumn[]): Scope {
  return new Scope(columns, env.ctx.scope, env.ctx.scope.ctes, starOrder);
}

function renamed(columns: readonly OutputColumn[], alias: Alias | undefined, fallback: string | undefined): ScopeColumn[] {
  const names = stringsOf(alias?.colnames);
  if (names.length > columns.length) {
    throw new PgError('42P10', `table "${alias?.aliasname ?? fallback ?? ''}" has ${columns.length} columns available but ${names.length} columns specified`);
  }
  const table = alias?.aliasname ?? fallback;
  return columns.map((c, index) => ({
    table, name: names[index] ?? c.name, type: c.type, index, qualifiedOnly: false, hiddenFromStar: false,
    ...(c.tableId === undefined ? {} : { tableId: c.tableId }), ...(c.columnAttnum === undefined ? {} : { attnum: c.columnAttnum }),
  }));
}

function bindFromItem(item: Node, env: FromEnv, left: Bound | undefined): Bound {
  const [kind, body] = nodeKind(item);
  switch (kind) {
    case 'RangeVar': return bindRangeVar(body as RangeVar, env);
    case 'RangeSubselect': {
      const sub = body as RangeSubselect;
      if (sub.subquery === undefined) throw new PgError('XX000', 'subquery in FROM without a query');
      if (sub.alias === undefined) throw new PgError('42601', 'subquery in FROM must have an alias', { hint: 'For example, FROM (SELECT ...) [AS] foo.' });
      const outer = sub.lateral === true && left !== undefined ? scopeOf(left.columns, env) : env.ctx.scope;
      const plan = env.ctx.bindSubquery(sub.subquery, outer);
      return { plan, columns: renamed(plan.columns, sub.alias, undefined) };
    }
    case 'RangeFunction': return bindRangeFunction(body as RangeFunction, env, left);
    case 'JoinExpr': return bindJoin(body as JoinExpr, env);
    default:
      throw unsupported(`FROM item ${kind}`);
  }
}

export function tableColumns(table: TableDescriptor): OutputColumn[] {
  return table.columns.map((c, i) => ({ name: c.name, type: c.type, tableId: table.id, columnAttnum: i + 1 }));
}

function bindRangeVar(rv: RangeVar, env: FromEnv): Bound {
  const name = rv.relname ?? '';
  const alias = rv.alias?.aliasname ?? name;
  if (rv.schemaname === undefined) {
    const cte = env.ctx.scope.findCte(name);
    if (cte !== undefined) {
      const plan: RelExpr = { kind: 'cteRef', columns: cte.columns, cte };
      return { plan, columns: renamed(cte.columns, rv.alias ?? { aliasname: alias }, alias) };
    }
  }
  const table = env.lookupTable(rv.schemaname, name);
  const view = table === undefined ? env.lookupView?.(rv.schemaname, name) : undefined;
  if (view !== undefined) {
    const plan = env.ctx.bindSubquery(view.query, Scope.empty(undefined, new Map()));
    const columns = plan.columns.map((c, i) => ({ name: view.columnNames[i] ?? c.name, type: c.type }));
    return { plan: { ...plan, columns } as RelExpr, columns: renamed(columns, rv.alias ?? { aliasname: alias }, alias) };
  }
  if (table === undefined) throw new PgError('42P01', `relation "${rv.schemaname === undefined ? name : `${rv.schemaname}.${name}`}" does not exist`);
  const plan: RelExpr = { kind: 'scan', columns: tableColumns(table), table, constraint: { kind: 'full' }, lockForUpdate: false, alias };
  const pkAttnums = table.primaryIndex.columnIds.map((id) => table.columns.findIndex((c) => c.id === id) + 1);
  const columns = renamed(plan.columns, rv.alias ?? { aliasname: alias }, alias).map((c, i) => ({
    ...c, relation: name, pkAttnums, ...(table.columns[i]?.hidden === true ? { hiddenFromStar: true } : {}),
  }));
  return { plan, columns };
}

function bindRangeFunction(rf: RangeFunction, env: FromEnv, left: Bound | undefined): Bound {
  const first = rf.functions?.[0];
  if (first === undefined || (rf.functions?.length ?? 0) > 1) throw unsupported('ROWS FROM with several functions');
  const [, listBody] = nodeKind(first);
  const [callNode] = (listBody as { items?: Node[] }).items ?? [];
  if (callNode === undefined) throw new PgError('XX000', 'function in FROM without a call');
  const [callKind, callBody] = nodeKind(callNode);
  if (callKind !== 'FuncCall') throw unsupported(`FROM function ${callKind}`);
  const call = callBody as { funcname?: Node[]; args?: Node[] };
  const name = stringsOf(call.funcname).at(-1) ?? '';
  // The function's arguments see the FROM items to its left as an enclosing query's row.
  const scope = left === undefined ? env.ctx.scope : new Scope([], scopeOf(left.columns, env), env.ctx.scope.ctes);
  const ctx: BindContext = { ...env.ctx, scope };
  const args = (call.args ?? []).map((a) => bindExpr(a, ctx));
  if (name === 'unnest' && args.length > 1) return bindMultiUnnest(rf, args, ctx);
  const fn = resolveFunction(name, args.map((a) => ({ type: a.type })));
  const coerced = args.map((a, i) => coerce(a, fn.argTargets[i] ?? a.type, 'implicit', ctx));
  if (!fn.returnsSet) {
    const call1: ScalarExpr = { kind: 'call', type: fn.returnType, name, impl: implOf(fn), args: coerced, strict: false, volatile: fn.volatility === 'volatile' };
    const plan: RelExpr = { kind: 'project', columns: [{ name, type: fn.returnType }], input: { kind: 'values', columns: [], rows: [[]] }, exprs: [call1] };
    return { plan, columns: renamed(plan.columns, rf.alias, name) };
  }
  // Functions returning records (jsonb_each: key, value) give one column per field.
  const columns: OutputColumn[] = fn.outputColumns.length > 1
    ? fn.outputColumns.map((c) => ({ name: c.name, type: sqlType(c.type) }))
    : [{ name: fn.outputColumns[0]?.name ?? name, type: fn.returnType }];
  if (rf.ordinality === true) columns.push({ name: 'ordinality', type: T.int8 });
  const plan: RelExpr = {
    kind: 'srf', columns, name, impl: (values, c) => fn.invokeSet(values, c.ctx), args: coerced, returnType: fn.returnType, ordinality: rf.ordinality === true,
    ...(fn.outputColumns.length > 1 ? { fieldCount: fn.outputColumns.length } : {}),
  };
  const alias = rf.alias ?? { aliasname: name };
  // A single-column function's column takes the alias's name when no column names are given.
  const withNames = stringsOf(alias.colnames).length === 0 && alias.aliasname !== undefined && fn.outputColumns.length === 0
    ? { ...alias, colnames: [{ String: { sval: alias.aliasname } }] }
    : alias;
  return { plan, columns: renamed(columns, withNames as Alias, name) };
}

/**
 * unnest(a, b, ...) in FROM: the arrays side by side, one column each, the shorter ones padded
 * with NULLs (manual 9.19: "expands multiple arrays (possibly of different types) to a set of rows").
 */
function bindMultiUnnest(rf: RangeFunction, args: readonly ScalarExpr[], ctx: BindContext): Bound {
  const columns: OutputColumn[] = args.map((a, i) => {
    const type = a.type.oid === Oid.unknown ? T.textArray : a.type;
    if (!isArrayType(type.oid)) throw new PgError('42883', `function unnest(${args.map((x) => formatType(x.type)).join(', ')}) does not exist`);
    return { name: `unnest${i === 0 ? '' : i}`, type: sqlType(elementTypeOf(type.oid), type.typmod) };
  });
  const coerced = args.map((a) => (a.type.oid === Oid.unknown ? coerce(a, T.textArray, 'implicit', ctx) : a));
  const impl = (values: readonly unknown[]): Iterable<Value> => {
    const arrays = values.map((v) => (v instanceof SqlArray ? v.elements : []));
    const length = Math.max(0, ...arrays.map((a) => a.length));
    const rows: Value[] = [];
    for (let i = 0; i < length; i++) rows.push(new SqlRecord(arrays.map((a) => a[i] ?? null), columns.map((c) => c.type)));
    return rows;
  };
  const plan: RelExpr = {
    kind: 'srf', columns: rf.ordinality === true ? [...columns, { name: 'ordinality', type: T.int8 }] : columns, name: 'unnest',
    impl: (values) => impl(values), args: coerced, returnType: T.record, ordinality: rf.ordinality === true, fieldCount: columns.length,
  };
  return { plan, columns: renamed(plan.columns, rf.alias, 'unnest') };
}

function joinTypeOf(jointype: string | undefined): JoinType {
  switch (jointype) {
    case 'JOIN_LEFT': return 'left';
    case 'JOIN_RIGHT': return 'right';
    case 'JOIN_FULL': return 'full';
    default: return 'inner';
  }
}

function bindJoin(join: JoinExpr, env: FromEnv): Bound {
  if (join.larg === undefined || join.rarg === undefined) throw new PgError('XX000', 'join without sides');
  const left = bindFromItem(join.larg, env, undefined);
  const right = bindFromItem(join.rarg, env, left);
  const type = joinTypeOf(join.jointype);
  let using = stringsOf(join.usingClause);
  if (join.isNatural === true) {
    const rightNames = new Set(right.columns.filter((c) => !c.qualifiedOnly && !c.hiddenFromStar).map((c) => c.name));
    using = left.columns.filter((c) => !c.qualifiedOnly && !c.hiddenFromStar && rightNames.has(c.name)).map((c) => c.name);
  }
  if ((type === 'right' || type === 'full') && lateralOf(join.rarg) && readsOuterRow(right.plan)) {
    const table = left.columns.find((c) => c.table !== undefined)?.table ?? '';
    throw new PgError('42P10', `invalid reference to FROM-clause entry for table "${table}"`, {
      detail: 'The combining JOIN type must be INNER or LEFT for a LATERAL reference.',
    });
  }
  let bound: Bound;
  if (using.length > 0 || join.isNatural === true) {
    bound = joinUsing(left, right, type, using, env, join.join_using_alias?.aliasname);
  } else {
    bound = joinBound(left, right, type, join.quals, lateralOf(join.rarg), env);
  }
  if (join.alias !== undefined) {
    const aliasName = join.alias.aliasname;
    return { ...bound, columns: bound.columns.map((c) => ({ ...c, table: aliasName })) };
  }
  return bound;
}

/** True when a join condition has an equality conjunct (what a hash or merge join needs). */
function hasEquality(on: ScalarExpr): boolean {
  if (on.kind === 'and') return on.args.some(hasEquality);
  return on.kind === 'call' && on.name === '=';
}

/** PostgreSQL refuses two FROM items with the same name at one level (42712). */
export function checkDistinctAliases(left: readonly ScopeColumn[], right: readonly ScopeColumn[]): void {
  // Two tables of the same name from different schemas may meet unaliased (app.users, public.users).
  const leftNames = new Map(left.filter((c) => c.table !== undefined).map((c) => [c.table, c.tableId]));
  for (const c of right) {
    if (c.table === undefined || !leftNames.has(c.table)) continue;
    const other = leftNames.get(c.table);
    if (other !== undefined && c.tableId !== undefined && other !== c.tableId) continue;
    throw new PgError(DuplicateAlias, `table name "${c.table}" specified more than once`);
  }
}

function combinedColumns(left: Bound, right: Bound): ScopeColumn[] {
  checkDistinctAliases(left.columns, right.columns);
  const width = left.plan.columns.length;
  return [...left.columns, ...right.columns.map((c) => ({ ...c, index: c.index + width }))];
}

function joinBound(left: Bound, right: Bound, type: JoinType, quals: Node | undefined, lateral: boolean, env: FromEnv): Bound {
  const columns = combinedColumns(left, right);
  const ctx: BindContext = { ...env.ctx, scope: scopeOf(columns, env), clause: 'JOIN conditions' };
  const on = quals === undefined ? undefined : bindBoolean(quals, ctx, 'JOIN/ON');
  if (type === 'full' && on !== undefined && on.kind !== 'const' && !hasEquality(on)) {
    throw new PgError('0A000', 'FULL JOIN is only supported with merge-joinable or hash-joinable join conditions');
  }
  const plan: RelExpr = { kind: 'join', columns: [...left.plan.columns, ...right.plan.columns], joinType: type, left: left.plan, right: right.plan, on, lateral };
  const starOrder = left.starOrder !== undefined || right.starOrder !== undefined
    ? [...(left.starOrder ?? left.columns), ...(right.starOrder ?? right.columns).map((c) => ({ ...c, index: c.index + left.plan.columns.length }))]
    : undefined;
  return starOrder === undefined ? { plan, columns } : { plan, columns, starOrder };
}

function joinUsing(left: Bound, right: Bound, type: JoinType, using: readonly string[], env: FromEnv, usingAlias?: string): Bound {
  checkDistinctAliases(left.columns, right.columns);
  const width = left.plan.columns.length;
  const rightShifted = right.columns.map((c) => ({ ...c, index: c.index + width }));
  const ctx: BindContext = { ...env.ctx, scope: scopeOf([...left.columns, ...rightShifted], env) };
  const conditions: ScalarExpr[] = [];
  const merged: ScopeColumn[] = [];
  const usedLeft = new Set<ScopeColumn>();
  const usedRight = new Set<ScopeColumn>();
  for (const [i, name] of using.entries()) {
    if (using.indexOf(name) !== i) throw new PgError('42701', `column name "${name}" appears more than once in USING clause`);
    const l = left.columns.filter((c) => c.name === name && !c.qualifiedOnly);
    const r = rightShifted.filter((c) => c.name === name && !c.qualifiedOnly);
    if (l.length === 0) throw new PgError('42703', `column "${name}" specified in USING clause does not exist in left table`);
    if (r.length === 0) throw new PgError('42703', `column "${name}" specified in USING clause does not exist in right table`);
    if (l.length > 1) throw new PgError('42702', `common column name "${name}" appears more than once in left table`);
    if (r.length > 1) throw new PgError('42702', `common column name "${name}" appears more than once in right table`);
    const lc = l[0] as ScopeColumn;
    const rc = r[0] as ScopeColumn;
    usedLeft.add(lc);
    usedRight.add(rc);
    const lexpr: ScalarExpr = lc.expr ?? { kind: 'column', type: lc.type, index: lc.index };
    const rexpr: ScalarExpr = rc.expr ?? { kind: 'column', type: rc.type, index: rc.index };
    if (lc.type.oid !== rc.type.oid) selectCommonType([lc.type, rc.type], 'JOIN/USING');
    conditions.push(bindBinary('=', lexpr, rexpr, ctx));
    // The merged column has the sides' common type (manual 7.2.1.1: USING ... a single output column).
    const mergedType = lc.type.oid === rc.type.oid ? lc.type : selectCommonType([lc.type, rc.type], 'JOIN/USING');
    const lcoerced = coerce(lexpr, mergedType, 'implicit', ctx);
    const rcoerced = coerce(rexpr, mergedType, 'implicit', ctx);
    const expr: ScalarExpr = type === 'full'
      ? { kind: 'coalesce', type: mergedType, args: [lcoerced, rcoerced] }
      : type === 'right' ? rcoerced : lcoerced;
    merged.push({ table: usingAlias, name, type: mergedType, index: -1, qualifiedOnly: false, hiddenFromStar: false, expr });
  }
  const on: ScalarExpr | undefined = conditions.length === 1 ? conditions[0] : { kind: 'and', type: T.bool, args: conditions };
  const plan: RelExpr = { kind: 'join', columns: [...left.plan.columns, ...right.plan.columns], joinType: type, left: left.plan, right: right.plan, on, lateral: false };
  // Qualified names still reach both sides; unqualified ones reach the merged column.
  const columns: ScopeColumn[] = [
    ...merged,
    ...left.columns.map((c) => (usedLeft.has(c) ? { ...c, qualifiedOnly: true } : c)),
    ...rightShifted.map((c) => (usedRight.has(c) ? { ...c, qualifiedOnly: true } : c)),
  ];
  const starOrder: ScopeColumn[] = [
    ...merged.map((m) => ({ ...m })),
    ...(left.starOrder ?? left.columns).filter((c) => !usedLeft.has(c)),
    ...(right.starOrder ?? right.columns).map((c) => ({ ...c, index: c.index + width })).filter((c) => !rightShifted.some((r) => usedRight.has(r) && r.index === c.index)),
  ];
  return { plan, columns, starOrder };
}
