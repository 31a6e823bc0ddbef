/**
 * Scalar expressions from PostgreSQL's parse tree to typed plan expressions: names resolved
 * through the scope, literals typed (integer literals int4, then int8, then numeric; quoted
 * strings of unknown type until context decides), operators and functions resolved, implicit
 * casts inserted, and aggregates checked against GROUP BY (42803).
 */
import type {
  A_Const, A_Expr, BooleanTest, BoolExpr, CaseExpr, CoalesceExpr, ColumnRef, FuncCall, MinMaxExpr, Node, NullTest,
  ParamRef, SubLink, TypeCast, TypeName, A_ArrayExpr,
} from '@pgsql/types';
import { PgError, unsupported } from '../errors/pg-error.js';
import { procsNamed } from '../functions/catalog.js';
import { resolveFunction } from '../functions/resolve.js';
import { evalScalar } from '../exec/eval-scalar.js';
import type { ScalarImpl } from '../functions/function-types.js';
import { exprFingerprint, type ScalarExpr, type SortKey } from '../plan/scalar-expr.js';
import { planCoercion, type CoercionContext } from '../types/coercion.js';
import { selectCommonType } from '../types/common-type.js';
import { parseNumeric } from '../types/io/numeric-io.js';
import { Oid } from '../types/oids.js';
import { sqlType, T, type SqlType } from '../types/sql-type.js';
import { arrayTypeOf, elementTypeOf, isArrayType } from '../types/type-registry.js';
import { resolveTypeName } from '../types/type-names.js';
import { formatType } from '../types/typmod.js';
import { SqlArray } from '../types/value.js';
import type { BindContext, GroupingState } from './bind-context.js';
import { Scope, type ScopeColumn } from './scope.js';
import { implOf, resolveOperator } from './operators.js';
import { bindWindowCall } from './bind-window.js';
import { bindSequenceCall, sequenceFunctionNames } from './bind-sequence.js';

/** The single key and body of a parse-tree node ({ "A_Const": {...} } -> ['A_Const', {...}]). */
export function nodeKind(node: Node): [string, unknown] {
  const entry = Object.entries(node)[0];
  if (entry === undefined) throw new PgError('XX000', 'empty parse node');
  return entry as [string, unknown];
}

export function stringsOf(nodes: readonly Node[] | undefined): string[] {
  return (nodes ?? []).map((n) => {
    const [kind, body] = nodeKind(n);
    if (kind === 'String') return (body as { sval?: string }).sval ?? '';
    if (kind === 'A_Star') return '*';
    throw new PgError('XX000', `unexpected name node ${kind}`);
  });
}

const constOf = (type: SqlType, value: ScalarExpr extends infer _ ? unknown : never): ScalarExpr =>
  ({ kind: 'const', type, value }) as ScalarExpr;

export function nullConst(type: SqlType = T.unknown): ScalarExpr {
  return { kind: 'const', type, value: null };
}

/** Coerces an expression to `target`, folding casts of constants at once. */
export function coerce(expr: ScalarExpr, target: SqlType, context: CoercionContext, ctx: BindContext): ScalarExpr {
  if (expr.type.oid === target.oid && (target.typmod < 0 || expr.type.typmod === target.typmod)) return expr;
  if (expr.kind === 'param' && expr.type.oid === Oid.unknown) {
    ctx.params[expr.index] = target;
    return { ...expr, type: target };
  }
  const cast = planCoercion(expr.type, target, context);
  if (cast.isNoop) return { ...expr, type: target } as ScalarExpr;
  if (expr.kind === 'const') return { kind: 'const', type: target, value: cast.apply(expr.value, ctx.evalCtx) };
  return { kind: 'cast', type: target, arg: expr, cast };
}

/** Unknown literals in a context that needs a type become text (as in a SELECT list). */
export function resolveUnknown(expr: ScalarExpr, ctx: BindContext): ScalarExpr {
  return expr.type.oid === Oid.unknown ? coerce(expr, T.text, 'implicit', ctx) : expr;
}

export function bindBoolean(node: Node, ctx: BindContext, construct: string): ScalarExpr {
  const expr = bindExpr(node, ctx);
  if (expr.type.oid === Oid.bool) return expr;
  if (expr.type.oid === Oid.unknown) return coerce(expr, T.bool, 'implicit', ctx);
  throw new PgError('42804', `argument of ${construct} must be type boolean, not type ${formatType(expr.type)}`);
}

/** Coerces expressions to their common type (UNION, CASE, COALESCE, IN, VALUES resolution). */
export function coerceToCommon(exprs: readonly ScalarExpr[], construct: string, ctx: BindContext): ScalarExpr[] {
  const common = selectCommonType(exprs.map((e) => e.type), construct);
  return exprs.map((e) => coerce(e, common, 'implicit', ctx));
}

/** True when `name` is an aggregate in the catalog (count, sum, string_agg...). */
export function isAggregateName(name: string): boolean {
  return procsNamed(name).some((p) => p.kind === 'aggregate');
}

export function bindExpr(node: Node, ctx: BindContext): ScalarExpr {
  if (ctx.grouping !== undefined) return bindGrouped(node, ctx);
  return bindNode(node, ctx);
}

function containsAggregate(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(containsAggregate);
  const record = node as Record<string, unknown>;
  const call = record['FuncCall'] as FuncCall | undefined;
  if (call !== undefined && call.over === undefined && isAggregateName(stringsOf(call.funcname).at(-1) ?? '')) return true;
  if (record['SubLink'] !== undefined) return false;
  return Object.values(record).some(containsAggregate);
}

/** After GROUP BY: grouped expressions and aggregates become columns of the aggregate's output. */
function bindGrouped(node: Node, ctx: BindContext): ScalarExpr {
  const grouping = ctx.grouping;
  if (grouping === undefined) return bindNode(node, ctx);
  const [kind, body] = nodeKind(node);
  if (kind === 'FuncCall' && (body as FuncCall).over === undefined && isAggregateName(stringsOf((body as FuncCall).funcname).at(-1) ?? '')) {
    return bindAggregate(body as FuncCall, ctx);
  }
  if (kind === 'A_Const' || kind === 'SubLink') return bindNode(node, ctx);
  if (!containsAggregate(node) && !(kind === 'FuncCall' && (body as FuncCall).over !== undefined)) {
    const inputCtx: BindContext = { ...ctx, scope: grouping.inputScope, grouping: undefined };
    const expr = bindNode(node, inputCtx);
    const key = exprFingerprint(expr);
    const index = grouping.groupKeys.indexOf(key);
    if (index >= 0) return { kind: 'column', type: expr.type, index };
    if (!usesInputColumns(expr)) return expr;
    if (kind === 'ColumnRef') {
      const names = stringsOf((body as ColumnRef).fields);
      const { column } = grouping.inputScope.resolve(names.length >= 2 ? names[names.length - 2] : undefined, names.at(-1) ?? '', names.join('.'));
      if (dependsOnGroupedKey(column, grouping)) {
        let position = grouping.carriedKeys.indexOf(key);
        if (position < 0) {
          position = grouping.carried.length;
          grouping.carried.push(expr);
          grouping.carriedKeys.push(key);
          grouping.carriedRefs.push({ kind: 'column', type: expr.type, index: CARRIED_PLACEHOLDER_INDEX + position } as ScalarExpr & { index: number });
        }
        return grouping.carriedRefs[position] as ScalarExpr;
      }
      const shown = column.table === undefined ? column.name : `${column.table}.${column.name}`;
      throw new PgError('42803', `column "${shown}" must appear in the GROUP BY clause or be used in an aggregate function`);
    }
  }
  return bindNode(node, ctx);
}

/** Carried columns are numbered from here until the aggregate's width is known. */
export const CARRIED_PLACEHOLDER_INDEX = 2_000_000_000;

/** True when every primary-key column of the column's table is a GROUP BY key (manual 7.2.3). */
function dependsOnGroupedKey(column: ScopeColumn, grouping: GroupingState): boolean {
  if (column.pkAttnums === undefined || column.tableId === undefined) return false;
  return column.pkAttnums.every((attnum) => {
    const key = grouping.inputScope.columns.find((c) => c.table === column.table && c.tableId === column.tableId && c.attnum === attnum);
    return key !== undefined && grouping.groupKeys.includes(exprFingerprint({ kind: 'column', type: key.type, index: key.index }));
  });
}

function usesInputColumns(expr: ScalarExpr): boolean {
  let found = false;
  JSON.stringify(expr, (key, value: unknown) => {
    if (key === 'plan') return undefined;
    if (value !== null && typeof value === 'object' && (value as { kind?: string }).kind === 'column') found = true;
    return typeof value === 'bigint' ? String(value) : value;
  });
  return found;
}

function bindAggregate(call: FuncCall, ctx: BindContext): ScalarExpr {
  const grouping = ctx.grouping;
  const name = stringsOf(call.funcname).at(-1) ?? '';
  if (grouping === undefined) {
    throw new PgError('42803', `aggregate functions are not allowed in ${ctx.clause}`);
  }
  const inputCtx: BindContext = { ...ctx, scope: grouping.inputScope, grouping: undefined, clause: 'aggregate function calls' };
  for (const arg of call.args ?? []) {
    if (containsAggregate(arg)) throw new PgError('42803', 'aggregate function calls cannot be nested');
  }
  const bound = (call.args ?? []).map((a) => bindExpr(a, inputCtx));
  const resolved = resolveFunction(name, bound.map((a) => ({ type: a.type })));
  if (resolved.kind !== 'aggregate') throw new PgError('42809', `${name} is not an aggregate function`);
  const args = bound.map((a, i) => coerce(a, resolved.argTargets[i] ?? a.type, 'implicit', inputCtx));
  const aggregate = resolved.createAggregate();
  const orderBy: SortKey[] = (call.agg_order ?? []).map((s) => bindSortBy(s, inputCtx));
  if (call.agg_distinct === true && orderBy.some((o) => !args.some((a) => exprFingerprint(a) === exprFingerprint(o.expr)))) {
    throw new PgError('42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list');
  }
  const filter = call.agg_filter === undefined ? undefined : bindBoolean(call.agg_filter, inputCtx, 'FILTER');
  const aggCall = { aggregate, args, distinct: call.agg_distinct === true, orderBy, ...(filter === undefined ? {} : { filter }) };
  const key = `${name}|${call.agg_star === true}|${aggCall.distinct}|${args.map(exprFingerprint).join(',')}|${filter === undefined ? '' : exprFingerprint(filter)}|${orderBy.map((o) => exprFingerprint(o.expr) + o.descending).join(',')}`;
  let index = grouping.aggregateKeys.indexOf(key);
  if (index < 0) {
    index = grouping.aggregates.length;
    grouping.aggregates.push(aggCall);
    grouping.aggregateKeys.push(key);
  }
  return { kind: 'column', type: aggregate.returnType, index: grouping.groupExprs.length + index };
}

export function bindSortBy(node: Node, ctx: BindContext): SortKey {
  const [, body] = nodeKind(node);
  const sortBy = body as { node?: Node; sortby_dir?: string; sortby_nulls?: string; useOp?: Node[] };
  if (sortBy.node === undefined) throw new PgError('XX000', 'sort key without an expression');
  const expr = resolveUnknown(bindExpr(sortBy.node, ctx), ctx);
  return sortKeyOf(expr, sortBy.sortby_dir, sortBy.sortby_nulls);
}

export function sortKeyOf(expr: ScalarExpr, direction: string | undefined, nulls: string | undefined): SortKey {
  const descending = direction === 'SORTBY_DESC';
  const nullsFirst = nulls === 'SORTBY_NULLS_FIRST' ? true : nulls === 'SORTBY_NULLS_LAST' ? false : descending;
  return { expr, descending, nullsFirst };
}

function bindNode(node: Node, ctx: BindContext): ScalarExpr {
  const [kind, body] = nodeKind(node);
  switch (kind) {
    case 'A_Const': return bindConst(body as A_Const);
    case 'ColumnRef': return bindColumnRef(body as ColumnRef, ctx);
    case 'ParamRef': return bindParam(body as ParamRef, ctx);
    case 'A_Expr': return bindAExpr(body as A_Expr, ctx);
    case 'BoolExpr': return bindBoolExpr(body as BoolExpr, ctx);
    case 'NullTest': {
      const test = body as NullTest;
      if (test.arg === undefined) throw new PgError('XX000', 'IS NULL without an argument');
      return { kind: 'isNull', type: T.bool, arg: bindExpr(test.arg, ctx), negated: test.nulltesttype === 'IS_NOT_NULL' };
    }
    case 'BooleanTest': return bindBooleanTest(body as BooleanTest, ctx);
    case 'TypeCast': return bindTypeCast(body as TypeCast, ctx);
    case 'FuncCall': return bindFuncCall(body as FuncCall, ctx);
    case 'CaseExpr': return bindCase(body as CaseExpr, ctx);
    case 'CoalesceExpr': {
      const args = coerceToCommon((body as CoalesceExpr).args?.map((a) => bindExpr(a, ctx)) ?? [], 'COALESCE', ctx);
      return { kind: 'coalesce', type: args[0]?.type ?? T.text, args };
    }
    case 'MinMaxExpr': {
      const minmax = body as MinMaxExpr;
      const construct = minmax.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST';
      const args = coerceToCommon(minmax.args?.map((a) => bindExpr(a, ctx)) ?? [], construct, ctx);
      return { kind: 'minmax', type: args[0]?.type ?? T.text, op: minmax.op === 'IS_GREATEST' ? 'greatest' : 'least', args };
    }
    case 'SubLink': return bindSubLink(body as SubLink, ctx);
    case 'A_ArrayExpr': return bindArray(body as A_ArrayExpr, ctx);
    case 'A_Indirection': {
      const indirection = body as { arg?: Node; indirection?: Node[] };
      if (indirection.arg === undefined) throw new PgError('XX000', 'subscript without an array');
      let expr = bindExpr(indirection.arg, ctx);
      for (const step of indirection.indirection ?? []) {
        const [stepKind, stepBody] = nodeKind(step);
        const indices = stepBody as { is_slice?: boolean; lidx?: Node; uidx?: Node };
        if (stepKind !== 'A_Indices') throw unsupported('field selection');
        if (!isArrayType(expr.type.oid)) throw new PgError('42804', `cannot subscript type ${formatType(expr.type)} because it does not support subscripting`);
        if (indices.is_slice === true) {
          const bound = (n: Node | undefined): ScalarExpr | undefined => (n === undefined ? undefined : coerce(bindExpr(n, ctx), T.int4, 'implicit', ctx));
          expr = { kind: 'slice', type: expr.type, array: expr, lower: bound(indices.lidx), upper: bound(indices.uidx) };
          continue;
        }
        if (indices.uidx === undefined) throw new PgError('42601', 'array subscript is missing');
        const index = coerce(bindExpr(indices.uidx, ctx), T.int4, 'implicit', ctx);
        expr = { kind: 'subscript', type: sqlType(elementTypeOf(expr.type.oid), expr.type.typmod), array: expr, index };
      }
      return expr;
    }
    case 'SetToDefault': throw new PgError('42601', 'DEFAULT is not allowed in this context');
    case 'RowExpr': {
      const fields = ((body as { args?: Node[] }).args ?? []).map((a) => bindExpr(a, ctx));
      return { kind: 'row', type: T.record, fields };
    }
    case 'SQLValueFunction': return bindSqlValueFunction(body as { op?: string }, ctx);
    default:
      throw unsupported(`expression ${kind}`);
  }
}

export function bindConst(c: A_Const): ScalarExpr {
  if (c.isnull === true) return nullConst();
  if (c.ival !== undefined) return { kind: 'const', type: T.int4, value: c.ival.ival ?? 0 };
  if (c.fval !== undefined) {
    const text = c.fval.fval ?? '0';
    if (/^-?\d+$/.test(text)) {
      // make_const: an integer literal too big for the scanner's int may still fit int4 once
      // negated (-2147483648), then int8, then it is numeric.
      const n = BigInt(text);
      if (n >= -(2n ** 31n) && n < 2n ** 31n) return { kind: 'const', type: T.int4, value: Number(n) };
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return { kind: 'const', type: T.int8, value: n };
    }
    return { kind: 'const', type: T.numeric, value: parseNumeric(text) };
  }
  if (c.boolval !== undefined) return { kind: 'const', type: T.bool, value: c.boolval.boolval === true };
  if (c.sval !== undefined) return { kind: 'const', type: T.unknown, value: c.sval.sval ?? '' };
  if (c.bsval !== undefined) return constOf(T.unknown, c.bsval.bsval ?? '');
  return { kind: 'const', type: T.int4, value: 0 };
}

function bindColumnRef(ref: ColumnRef, ctx: BindContext): ScalarExpr {
  const names = stringsOf(ref.fields);
  if (names.includes('*')) throw new PgError('42601', 'row expansion via "*" is not supported here');
  const name = names[names.length - 1] ?? '';
  const table = names.length >= 2 ? names[names.length - 2] : undefined;
  if (table === undefined && ctx.scope.match(undefined, name).length === 0 && ctx.scope.hasTable(name)) {
    // A bare table name is the whole row of that FROM item (row_to_json(t), jsonb_agg(t)).
    const columns = ctx.scope.starColumns(name);
    return {
      kind: 'row', type: T.record, names: columns.map((c) => c.name),
      fields: columns.map((c) => c.expr ?? { kind: 'column', type: c.type, index: c.index }),
    };
  }
  const { depth, column } = ctx.scope.resolve(table, name, names.join('.'));
  if (column.expr !== undefined && depth === 0) return column.expr;
  if (depth === 0) return { kind: 'column', type: column.type, index: column.index };
  return { kind: 'outer', type: column.type, depth, index: column.index };
}

function bindParam(ref: ParamRef, ctx: BindContext): ScalarExpr {
  const index = (ref.number ?? 0) - 1;
  if (index < 0 || (ctx.paramCount !== undefined && index >= ctx.paramCount)) throw new PgError('42P02', `there is no parameter $${index + 1}`);
  const type = ctx.params[index] ?? T.unknown;
  ctx.params[index] = type;
  return { kind: 'param', type, index };
}

export function bindBinary(op: string, left: ScalarExpr, right: ScalarExpr, ctx: BindContext): ScalarExpr {
  if (left.kind === 'row' && right.kind === 'row') return bindRowComparison(op, left.fields, right.fields, ctx);
  const resolved = resolveOperator(op, left.type.oid, right.type.oid);
  const [lt, rt] = resolved.argTypes;
  const args = [coerce(left, lt ?? left.type, 'implicit', ctx), coerce(right, rt ?? right.type, 'implicit', ctx)];
  return { kind: 'call', type: resolved.returnType, name: op, impl: resolved.impl, args, strict: false, volatile: resolved.volatile };
}

/**
 * Row-wise comparison (manual 9.24.5): = and <> compare field by field; <, <=, >, >= compare
 * lexicographically, deciding at the first pair of fields that differ.
 */
function bindRowComparison(op: string, left: readonly ScalarExpr[], right: readonly ScalarExpr[], ctx: BindContext): ScalarExpr {
  if (left.length !== right.length) throw new PgError('42601', 'unequal number of entries in row expressions');
  const pairs = left.map((l, i) => [l, right[i] as ScalarExpr] as const);
  if (op === '=') return { kind: 'and', type: T.bool, args: pairs.map(([l, r]) => bindBinary('=', l, r, ctx)) };
  if (op === '<>') return { kind: 'or', type: T.bool, args: pairs.map(([l, r]) => bindBinary('<>', l, r, ctx)) };
  if (!['<', '<=', '>', '>='].includes(op)) throw new PgError('42883', `operator ${op} is not supported for row comparison`);
  const strict = op.slice(0, 1);
  let expr: ScalarExpr = bindBinary(op, ...(pairs[pairs.length - 1] as readonly [ScalarExpr, ScalarExpr]), ctx);
  for (let i = pairs.length - 2; i >= 0; i--) {
    const [l, r] = pairs[i] as readonly [ScalarExpr, ScalarExpr];
    expr = { kind: 'or', type: T.bool, args: [bindBinary(strict, l, r, ctx), { kind: 'and', type: T.bool, args: [bindBinary('=', l, r, ctx), expr] }] };
  }
  return expr;
}

/** The = operator (or another comparison) between two types, for IN lists, NULLIF, DISTINCT. */
function comparisonImpl(op: string, left: ScalarExpr, right: ScalarExpr, ctx: BindContext): { impl: ScalarImpl; left: ScalarExpr; right: ScalarExpr } {
  const call = bindBinary(op, left, right, ctx);
  if (call.kind !== 'call') throw new PgError('XX000', 'comparison did not resolve to a call');
  return { impl: call.impl, left: call.args[0] ?? left, right: call.args[1] ?? right };
}

function bindAExpr(e: A_Expr, ctx: BindContext): ScalarExpr {
  const op = stringsOf(e.name).at(-1) ?? '';
  const bind = (n: Node | undefined): ScalarExpr => {
    if (n === undefined) throw new PgError('XX000', 'operator without an operand');
    return bindExpr(n, ctx);
  };
  switch (e.kind) {
    case 'AEXPR_OP':
      if (e.lexpr === undefined) {
        const arg = bind(e.rexpr);
        const argType = arg.type.oid === Oid.unknown ? Oid.text : arg.type.oid;
        if (op === '-' && arg.kind === 'const' && arg.value !== null) {
          const folded = foldNegation(arg);
          if (folded !== undefined) return folded;
        }
        const resolved = resolveOperator(op, undefined, argType);
        return { kind: 'call', type: resolved.returnType, name: op, impl: resolved.impl, args: [coerce(arg, resolved.argTypes[0] ?? arg.type, 'implicit', ctx)], strict: false, volatile: resolved.volatile };
      }
      if (e.rexpr !== undefined && nodeKind(e.rexpr)[0] === 'SubLink' && (nodeKind(e.rexpr)[1] as SubLink).subLinkType === 'EXPR_SUBLINK') {
        const left = bind(e.lexpr);
        if (left.kind === 'row') return bindRowSubquery(op, left, nodeKind(e.rexpr)[1] as SubLink, ctx);
        return bindBinary(op, left, bind(e.rexpr), ctx);
      }
      return bindBinary(op, bind(e.lexpr), bind(e.rexpr), ctx);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return bindBinary(op, bind(e.lexpr), bind(e.rexpr), ctx);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const l = bind(e.lexpr);
      const r = bind(e.rexpr);
      if (l.kind === 'row' && r.kind === 'row') {
        // Rows are distinct when any pair of fields is (manual 9.24.5).
        if (l.fields.length !== r.fields.length) throw new PgError('42601', 'unequal number of entries in row expressions');
        const pairs: ScalarExpr[] = l.fields.map((f, i) => {
          const { impl, left, right } = comparisonImpl('=', f, r.fields[i] as ScalarExpr, ctx);
          return { kind: 'distinct', type: T.bool, left, right, equals: impl, negated: false };
        });
        const any: ScalarExpr = { kind: 'or', type: T.bool, args: pairs };
        return e.kind === 'AEXPR_DISTINCT' ? any : { kind: 'not', type: T.bool, arg: any };
      }
      const { impl, left, right } = comparisonImpl('=', l, r, ctx);
      return { kind: 'distinct', type: T.bool, left, right, equals: impl, negated: e.kind === 'AEXPR_NOT_DISTINCT' };
    }
    case 'AEXPR_NULLIF': {
      const { impl, left, right } = comparisonImpl('=', bind(e.lexpr), bind(e.rexpr), ctx);
      return { kind: 'nullif', type: left.type, left, right, equals: impl };
    }
    case 'AEXPR_IN': return bindInList(e, op, ctx);
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return bindBetween(e, ctx);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL': {
      const arg = bind(e.lexpr);
      const array = bind(e.rexpr);
      if (!isArrayType(array.type.oid) && array.type.oid !== Oid.unknown) {
        throw new PgError('42809', 'op ANY/ALL (array) requires array on right side');
      }
      const elementOid = isArrayType(array.type.oid) ? elementTypeOf(array.type.oid) : Oid.unknown;
      const element: ScalarExpr = { kind: 'const', type: sqlType(elementOid === 0 ? Oid.unknown : elementOid), value: null };
      const cmp = bindBinary(op, arg, element, ctx);
      if (cmp.kind !== 'call') throw new PgError('XX000', 'ANY did not resolve to a call');
      const rightType = cmp.args[1]?.type ?? element.type;
      const arrayType = sqlType(arrayTypeOf(rightType.oid) || Oid.textArray);
      return {
        kind: 'quantified', type: T.bool, quantifier: e.kind === 'AEXPR_OP_ANY' ? 'any' : 'all',
        arg: cmp.args[0] ?? arg, op: cmp.impl, source: { kind: 'array', array: coerce(array, arrayType, 'implicit', ctx) },
      };
    }
    default:
      throw unsupported(`operator form ${String(e.kind)}`);
  }
}

function foldNegation(arg: Extract<ScalarExpr, { kind: 'const' }>): ScalarExpr | undefined {
  if (arg.type.oid === Oid.int4 && arg.value === 2147483648) return { kind: 'const', type: T.int4, value: -2147483648 };
  if (arg.type.oid === Oid.int8 && arg.value === 2n ** 31n) return { kind: 'const', type: T.int4, value: -(2 ** 31) };
  if (arg.type.oid === Oid.numeric && typeof arg.value === 'object' && arg.value !== null && 'neg' in arg.value) {
    const value = (arg.value as { neg(): unknown }).neg();
    const text = String(value);
    if (/^-9223372036854775808$/.test(text)) return { kind: 'const', type: T.int8, value: -(2n ** 63n) };
  }
  return undefined;
}

function bindInList(e: A_Expr, op: string, ctx: BindContext): ScalarExpr {
  if (e.lexpr === undefined || e.rexpr === undefined) throw new PgError('XX000', 'IN without operands');
  const arg = bindExpr(e.lexpr, ctx);
  const [kind, body] = nodeKind(e.rexpr);
  const items = kind === 'List' ? ((body as { items?: Node[] }).items ?? []) : [e.rexpr];
  const list = items.map((n) => bindExpr(n, ctx));
  const all = coerceToCommon([arg, ...list], 'IN', ctx);
  const [first, ...rest] = all;
  if (first === undefined) throw new PgError('XX000', 'IN without an argument');
  const { impl } = comparisonImpl('=', first, rest[0] ?? first, ctx);
  return { kind: 'inList', type: T.bool, arg: first, list: rest, equals: impl, negated: op === '<>' };
}

function bindBetween(e: A_Expr, ctx: BindContext): ScalarExpr {
  if (e.lexpr === undefined || e.rexpr === undefined) throw new PgError('XX000', 'BETWEEN without operands');
  const arg = bindExpr(e.lexpr, ctx);
  const [, body] = nodeKind(e.rexpr);
  const [lowNode, highNode] = (body as { items?: Node[] }).items ?? [];
  if (lowNode === undefined || highNode === undefined) throw new PgError('XX000', 'BETWEEN without bounds');
  const low = bindExpr(lowNode, ctx);
  const high = bindExpr(highNode, ctx);
  const negated = e.kind === 'AEXPR_NOT_BETWEEN' || e.kind === 'AEXPR_NOT_BETWEEN_SYM';
  const range = (lo: ScalarExpr, hi: ScalarExpr): ScalarExpr => negated
    ? { kind: 'or', type: T.bool, args: [bindBinary('<', arg, lo, ctx), bindBinary('>', arg, hi, ctx)] }
    : { kind: 'and', type: T.bool, args: [bindBinary('>=', arg, lo, ctx), bindBinary('<=', arg, hi, ctx)] };
  if (e.kind === 'AEXPR_BETWEEN_SYM' || e.kind === 'AEXPR_NOT_BETWEEN_SYM') {
    return { kind: negated ? 'and' : 'or', type: T.bool, args: [range(low, high), range(high, low)] };
  }
  return range(low, high);
}

function bindBoolExpr(e: BoolExpr, ctx: BindContext): ScalarExpr {
  const construct = e.boolop === 'AND_EXPR' ? 'AND' : e.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
  const args = (e.args ?? []).map((a) => bindBoolean(a, ctx, construct));
  if (e.boolop === 'NOT_EXPR') {
    const arg = args[0];
    if (arg === undefined) throw new PgError('XX000', 'NOT without an argument');
    return { kind: 'not', type: T.bool, arg };
  }
  return { kind: e.boolop === 'AND_EXPR' ? 'and' : 'or', type: T.bool, args };
}

function bindBooleanTest(test: BooleanTest, ctx: BindContext): ScalarExpr {
  if (test.arg === undefined) throw new PgError('XX000', 'IS TRUE without an argument');
  const kind = test.booltesttype ?? 'IS_TRUE';
  const construct = kind.replace(/_/g, ' ');
  const arg = bindBoolean(test.arg, ctx, construct);
  const negated = kind.startsWith('IS_NOT');
  const what = kind.endsWith('TRUE') ? 'true' : kind.endsWith('FALSE') ? 'false' : 'unknown';
  return { kind: 'boolTest', type: T.bool, arg, test: what, negated };
}

export function typeFromTypeName(typeName: TypeName): SqlType {
  const names = stringsOf(typeName.names);
  const modifiers = (typeName.typmods ?? []).map((m) => {
    const [kind, body] = nodeKind(m);
    if (kind === 'A_Const') {
      const c = body as A_Const;
      if (c.ival !== undefined) return c.ival.ival ?? 0;
    }
    throw new PgError('42601', 'type modifiers must be simple constants or identifiers');
  });
  return resolveTypeName(names, modifiers, typeName.arrayBounds?.length ?? 0);
}

function bindTypeCast(cast: TypeCast, ctx: BindContext): ScalarExpr {
  if (cast.arg === undefined || cast.typeName === undefined) throw new PgError('XX000', 'cast without operand');
  const target = typeFromTypeName(cast.typeName);
  const [argKind, argBody] = nodeKind(cast.arg);
  if (argKind === 'A_ArrayExpr' && ((argBody as A_ArrayExpr).elements ?? []).length === 0 && isArrayType(target.oid)) {
    return { kind: 'const', type: target, value: SqlArray.of(elementTypeOf(target.oid), []) };
  }
  const arg = bindExpr(cast.arg, ctx);
  if (arg.type.oid === target.oid && arg.type.typmod === target.typmod) return arg;
  const plan = planCoercion(arg.type, target, 'explicit');
  if (arg.kind === 'const') return { kind: 'const', type: target, value: plan.apply(arg.value, ctx.evalCtx) };
  if (arg.kind === 'param' && arg.type.oid === Oid.unknown) return coerce(arg, target, 'explicit', ctx);
  return { kind: 'cast', type: target, arg, cast: plan };
}

function bindFuncCall(call: FuncCall, ctx: BindContext): ScalarExpr {
  const names = stringsOf(call.funcname);
  const name = names.at(-1) ?? '';
  if (call.over !== undefined) {
    if (ctx.windows === undefined) throw new PgError('42P20', `window functions are not allowed in ${ctx.clause}`);
    return bindWindowCall(call, name, ctx);
  }
  if (isAggregateName(name)) return bindAggregate(call, ctx);
  const args = (call.args ?? []).map((a) => bindExpr(a, ctx));
  if (sequenceFunctionNames.has(name) && names.length === 1) return bindSequenceCall(name, args, ctx);
  const fn = resolveFunction(name, args.map((a) => ({ type: a.type })), { variadic: call.func_variadic === true });
  if (fn.kind === 'window') throw new PgError('42809', `window function ${name} requires an OVER clause`);
  const coerced = args.map((a, i) => coerce(a, fn.argTargets[i] ?? a.type, 'implicit', ctx));
  if (fn.returnsSet) {
    if (ctx.clause !== 'SELECT' && ctx.clause !== 'ORDER BY') throw new PgError('0A000', `set-returning functions are not allowed in ${ctx.clause}`);
    if (fn.outputColumns.length > 1) throw unsupported(`${name} in a SELECT list`);
    return { kind: 'srfCall', type: fn.returnType, name, impl: (values, c) => fn.invokeSet(values, c.ctx), args: coerced };
  }
  return { kind: 'call', type: fn.returnType, name, impl: implOf(fn), args: coerced, strict: false, volatile: fn.volatility === 'volatile' };
}

function bindCase(c: CaseExpr, ctx: BindContext): ScalarExpr {
  const subject = c.arg === undefined ? undefined : bindExpr(c.arg, ctx);
  const whens = (c.args ?? []).map((w) => {
    const [, body] = nodeKind(w);
    const when = body as { expr?: Node; result?: Node };
    if (when.expr === undefined || when.result === undefined) throw new PgError('XX000', 'CASE WHEN without parts');
    const condition = subject === undefined ? bindBoolean(when.expr, ctx, 'CASE/WHEN') : bindBinary('=', subject, bindExpr(when.expr, ctx), ctx);
    return { when: condition, then: bindExpr(when.result, ctx) };
  });
  const otherwise = c.defresult === undefined ? nullConst() : bindExpr(c.defresult, ctx);
  const results = coerceToCommon([...whens.map((w) => w.then), otherwise], 'CASE', ctx);
  const type = results[0]?.type ?? T.text;
  return {
    kind: 'case', type,
    whens: whens.map((w, i) => ({ when: w.when, then: results[i] ?? w.then })),
    otherwise: results[results.length - 1] ?? otherwise,
  };
}

/** (a, b) op (SELECT x, y ...): the subquery's one row compared field by field. */
function bindRowSubquery(op: string, left: Extract<ScalarExpr, { kind: 'row' }>, link: SubLink, ctx: BindContext): ScalarExpr {
  if (link.subselect === undefined) throw new PgError('XX000', 'subquery without a query');
  const plan = ctx.bindSubquery(link.subselect, ctx.grouping === undefined ? ctx.scope : groupedScope(ctx.grouping));
  if (left.fields.length !== plan.columns.length) {
    throw new PgError('42601', left.fields.length < plan.columns.length ? 'subquery has too many columns' : 'subquery has too few columns');
  }
  if (op !== '=' && op !== '<>') throw unsupported(`row comparison ${op} with a subquery`);
  const ops = left.fields.map((f, i) => {
    const call = bindBinary(op, f, { kind: 'const', type: plan.columns[i]?.type ?? T.text, value: null }, ctx);
    if (call.kind !== 'call') throw new PgError('XX000', 'row comparison did not resolve to a call');
    return call.impl;
  });
  return { kind: 'rowQuantified', type: T.bool, quantifier: 'any', fields: left.fields, ops, combine: op === '<>' ? 'or' : 'and', plan, single: true };
}

function bindSubLink(link: SubLink, ctx: BindContext): ScalarExpr {
  if (link.subselect === undefined) throw new PgError('XX000', 'subquery without a query');
  const plan = ctx.bindSubquery(link.subselect, ctx.grouping === undefined ? ctx.scope : groupedScope(ctx.grouping));
  const type = link.subLinkType;
  if (type === 'EXISTS_SUBLINK') return { kind: 'subquery', type: T.bool, mode: 'exists', plan };
  if (type === 'EXPR_SUBLINK' || type === 'ARRAY_SUBLINK') {
    if (plan.columns.length !== 1) throw new PgError('42601', 'subquery must return only one column');
    const columnType = plan.columns[0]?.type ?? T.text;
    if (type === 'ARRAY_SUBLINK') return { kind: 'subquery', type: sqlType(arrayTypeOf(columnType.oid)), mode: 'array', plan };
    return { kind: 'subquery', type: columnType, mode: 'scalar', plan };
  }
  if (type === 'ANY_SUBLINK' || type === 'ALL_SUBLINK') {
    if (link.testexpr === undefined) throw new PgError('XX000', 'IN without a left side');
    const op = link.operName === undefined ? '=' : (stringsOf(link.operName).at(-1) ?? '=');
    if (nodeKind(link.testexpr)[0] === 'RowExpr') {
      const test = bindExpr(link.testexpr, ctx);
      if (test.kind !== 'row') throw new PgError('XX000', 'row expression expected');
      if (test.fields.length !== plan.columns.length) {
        throw new PgError('42601', test.fields.length < plan.columns.length ? 'subquery has too many columns' : 'subquery has too few columns');
      }
      const ops = test.fields.map((f, i) => {
        const call = bindBinary(op, f, { kind: 'const', type: plan.columns[i]?.type ?? T.text, value: null }, ctx);
        if (call.kind !== 'call') throw new PgError('XX000', 'row comparison did not resolve to a call');
        return call.impl;
      });
      return { kind: 'rowQuantified', type: T.bool, quantifier: type === 'ANY_SUBLINK' ? 'any' : 'all', fields: test.fields, ops, combine: op === '<>' ? 'or' : 'and', plan };
    }
    if (plan.columns.length !== 1) throw new PgError('42601', plan.columns.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns');
    const arg = bindExpr(link.testexpr, ctx);
    const column: ScalarExpr = { kind: 'const', type: plan.columns[0]?.type ?? T.text, value: null };
    const cmp = bindBinary(op, arg, column, ctx);
    if (cmp.kind !== 'call') throw new PgError('XX000', 'ANY did not resolve to a call');
    const rightType = cmp.args[1]?.type;
    const columnType = plan.columns[0]?.type;
    let subplan = plan;
    if (rightType !== undefined && columnType !== undefined && rightType.oid !== columnType.oid) {
      const cast = planCoercion(columnType, rightType, 'implicit');
      subplan = { kind: 'project', columns: [{ name: plan.columns[0]?.name ?? '?column?', type: rightType }], input: plan,
        exprs: [{ kind: 'cast', type: rightType, arg: { kind: 'column', type: columnType, index: 0 }, cast }] };
    }
    return {
      kind: 'quantified', type: T.bool, quantifier: type === 'ANY_SUBLINK' ? 'any' : 'all', arg: cmp.args[0] ?? arg, op: cmp.impl,
      source: { kind: 'subquery', plan: subplan },
    };
  }
  throw unsupported(`subquery kind ${String(type)}`);
}

/**
 * What a subquery after GROUP BY sees of the enclosing query: its grouped columns, at their
 * positions in the aggregate's output row (the row the subquery is evaluated beside).
 */
function groupedScope(grouping: GroupingState): Scope {
  const columns: ScopeColumn[] = [];
  grouping.groupExprs.forEach((g, i) => {
    if (g.kind !== 'column') return;
    for (const c of grouping.inputScope.columns) if (c.index === g.index && c.expr === undefined) columns.push({ ...c, index: i });
  });
  return new Scope(columns, grouping.inputScope.parent, grouping.inputScope.ctes);
}

function bindArray(array: A_ArrayExpr, ctx: BindContext): ScalarExpr {
  const elements = (array.elements ?? []).map((e) => bindExpr(e, ctx));
  if (elements.length === 0) {
    throw new PgError('42P18', 'cannot determine type of empty array', { hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].' });
  }
  const coerced = coerceToCommon(elements, 'ARRAY', ctx).map((e) => resolveUnknown(e, ctx));
  const elementType = coerced[0]?.type ?? T.text;
  const arrayOid = arrayTypeOf(elementType.oid);
  if (arrayOid === 0) throw new PgError('42704', `could not find array type for data type ${formatType(elementType)}`);
  return { kind: 'array', type: sqlType(arrayOid, elementType.typmod), elements: coerced };
}

function bindSqlValueFunction(fn: { op?: string }, ctx: BindContext): ScalarExpr {
  const now = ctx.evalCtx.transactionTimestampMicros;
  switch (fn.op) {
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_NOW':
      return { kind: 'const', type: T.timestamptz, value: now };
    case 'SVFOP_CURRENT_DATE':
      return coerce({ kind: 'const', type: T.timestamptz, value: now }, T.date, 'explicit', ctx);
    case 'SVFOP_LOCALTIMESTAMP':
      return coerce({ kind: 'const', type: T.timestamptz, value: now }, T.timestamp, 'explicit', ctx);
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_USER':
      return { kind: 'const', type: T.name, value: 'root' };
    default:
      throw unsupported(`SQL value function ${String(fn.op)}`);
  }
}

/** Evaluates an expression with no column references (LIMIT, OFFSET, DEFAULT values). */
export function evalConstant(expr: ScalarExpr, ctx: BindContext): unknown {
  return evalScalar(expr, [], { ctx: ctx.evalCtx, outer: [], params: [], runSubquery: () => [] });
}
