/**
 * A small SQL expression evaluator over PostgreSQL's parse trees, for testing the type system
 * and the function library through the same calls the semantic layer and the executor make:
 * literals are typed as PostgreSQL types them, casts go through planCoercion, operators through
 * resolveOperator, functions through resolveFunction, CASE/COALESCE/ARRAY through
 * selectCommonType, and NULLs follow three-valued logic. It evaluates the select list of
 * `SELECT <expressions>` with optional rows bound to columns (for aggregates and window
 * functions), which is enough to compare single expressions with a real PostgreSQL.
 */
import type { Node } from '@pgsql/types';
import { PgError } from '../../errors/pg-error.js';
import { parseSql } from '../../parser/parse.js';
import { comparatorFor, compareNullable } from '../../types/compare.js';
import { selectCommonType } from '../../types/common-type.js';
import {
  coalesceValues, greatestOrLeast, inList, isDistinctFrom, nullifValue, planCommonType, planGreatestLeast, planNullif, planQuantified,
  quantifiedComparison, sqlAnd, sqlNot, sqlOr,
} from '../conditional.js';
import { planCoercion, type CastPlan } from '../../types/coercion.js';
import { Oid } from '../../types/oids.js';
import { sqlType, T, type SqlType } from '../../types/sql-type.js';
import { resolveTypeName } from '../../types/type-names.js';
import { arrayTypeOf, elementTypeOf, isArrayType } from '../../types/type-registry.js';
import { SqlArray, SqlRecord, type Value } from '../../types/value.js';
import { numeric } from '../../types/numeric-value.js';
import { timestamptzToTimestamp, timestampToDate } from '../../types/conversions.js';
import { floorMod, MICROS_PER_DAY } from '../../types/datetime/calendar.js';
import type { EvalContext } from '../eval-context.js';
import { accumulate, type WindowRows } from '../function-types.js';
import { arraySlice, arraySubscript } from '../impl/array-funcs.js';
import { resolveFunction, resolveOperator, type CallArgument, type ResolvedCall } from '../resolve.js';

/** A column bound to a value for the row being evaluated. */
export interface Column {
  readonly type: SqlType;
}

/** The evaluation state of one row, and of the row set for aggregates and windows. */
interface Scope {
  readonly row: readonly Value[];
  readonly rows: readonly (readonly Value[])[];
  readonly rowIndex: number;
}

type Evaluate = (scope: Scope, ctx: EvalContext) => Value;

interface Compiled {
  readonly type: SqlType;
  readonly evaluate: Evaluate;
  /** Set-returning: evaluate yields one value per row. */
  readonly evaluateSet?: (scope: Scope, ctx: EvalContext) => Iterable<Value>;
  /** A string literal or NULL: its type is still unknown. */
  readonly isLiteral?: boolean;
}

function unsupported(what: string): PgError {
  return new PgError('0A000', `${what} is not supported by the expression evaluator`);
}

const nodeKind = (node: Node): string => Object.keys(node)[0] as string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = (node: Node): any => (node as Record<string, unknown>)[nodeKind(node)];

function names(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((n) => body(n).sval as string);
}

/**
 * Applies a coercion. A literal's coercion runs at once, as PostgreSQL folds it while it parses
 * (so COALESCE(1, 'a') fails even though 'a' is never needed).
 */
function coerce(compiled: Compiled, plan: CastPlan, ctx?: EvalContext): Compiled {
  if (plan.isNoop) return { ...compiled, type: plan.target };
  if (compiled.isLiteral === true && ctx !== undefined) {
    const value = plan.apply(compiled.evaluate({ row: [], rows: [], rowIndex: 0 }, ctx), ctx);
    return { type: plan.target, evaluate: () => value };
  }
  return { type: plan.target, evaluate: (s, c) => plan.apply(compiled.evaluate(s, c), c) };
}

/** Compiles expressions against a list of columns. */
export class ExpressionCompiler {
  constructor(
    private readonly columns: ReadonlyMap<string, { index: number; type: SqlType }>,
    private readonly ctx: EvalContext,
  ) {}

  private coerce(compiled: Compiled, plan: CastPlan): Compiled {
    return coerce(compiled, plan, this.ctx);
  }

  compile(node: Node): Compiled {
    const b = body(node);
    switch (nodeKind(node)) {
      case 'A_Const':
        return this.constant(b);
      case 'TypeCast':
        return this.typeCast(b);
      case 'A_Expr':
        return this.expression(b);
      case 'BoolExpr':
        return this.boolean(b);
      case 'NullTest': {
        const arg = this.compile(b.arg as Node);
        const isNull = b.nulltesttype === 'IS_NULL';
        return { type: T.bool, evaluate: (s, ctx) => (arg.evaluate(s, ctx) === null) === isNull };
      }
      case 'BooleanTest':
        return this.booleanTest(b);
      case 'FuncCall':
        return this.functionCall(b);
      case 'SQLValueFunction':
        return this.valueFunction(b);
      case 'A_ArrayExpr':
        return this.array(b.elements ?? []);
      case 'A_Indirection':
        return this.indirection(b);
      case 'CoalesceExpr':
        return this.coalesce(b.args as Node[]);
      case 'MinMaxExpr':
        return this.minMax(b.op === 'IS_GREATEST', b.args as Node[]);
      case 'CaseExpr':
        return this.caseExpression(b);
      case 'RowExpr': {
        const fields = ((b.args ?? []) as Node[]).map((a) => this.literalAsText(this.compile(a)));
        return {
          type: T.record,
          evaluate: (s, ctx) => new SqlRecord(fields.map((f) => f.evaluate(s, ctx)), fields.map((f) => f.type)),
        };
      }
      case 'CollateClause': {
        const collation = names(b.collname).join('.');
        if (!['C', 'default', 'POSIX'].includes(collation)) throw new PgError('0A000', `collation "${collation}" is not supported`);
        return this.compile(b.arg as Node);
      }
      case 'ColumnRef': {
        const name = names(b.fields).join('.');
        const column = this.columns.get(name);
        if (column === undefined) throw new PgError('42703', `column "${name}" does not exist`);
        return { type: column.type, evaluate: (s) => s.row[column.index] as Value };
      }
      default:
        throw unsupported(nodeKind(node));
    }
  }

  /** An integer literal is int4 if it fits, else int8, else numeric; a decimal is numeric. */
  private constant(b: Record<string, unknown>): Compiled {
    if (b['isnull'] === true) return { type: T.unknown, evaluate: () => null, isLiteral: true };
    if (b['ival'] !== undefined) {
      const value = ((b['ival'] as { ival?: number }).ival) ?? 0;
      return { type: T.int4, evaluate: () => value };
    }
    if (b['fval'] !== undefined) {
      const text = (b['fval'] as { fval: string }).fval;
      if (/^-?\d+$/.test(text)) {
        const n = BigInt(text);
        // make_const: an integer written as a float constant is int4 when it fits, else int8.
        if (n >= -(2n ** 31n) && n < 2n ** 31n) return { type: T.int4, evaluate: () => Number(n) };
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return { type: T.int8, evaluate: () => n };
      }
      const value = numeric(text, Math.max(0, (text.split(/[eE]/)[0]?.split('.')[1] ?? '').length - Number(text.split(/[eE]/)[1] ?? 0)));
      return { type: T.numeric, evaluate: () => value };
    }
    if (b['boolval'] !== undefined) {
      const value = (b['boolval'] as { boolval?: boolean }).boolval === true;
      return { type: T.bool, evaluate: () => value };
    }
    if (b['sval'] !== undefined) {
      const value = (b['sval'] as { sval?: string }).sval ?? '';
      return { type: T.unknown, evaluate: () => value, isLiteral: true };
    }
    if (b['bsval'] !== undefined) throw unsupported('bit string literal');
    throw unsupported('constant');
  }

  private typeOf(typeName: Record<string, unknown>): SqlType {
    const modifiers = ((typeName['typmods'] ?? []) as Node[]).map((m) => {
      const v = body(m);
      if (nodeKind(m) !== 'A_Const' || v.ival === undefined) throw new PgError('42601', 'type modifiers must be simple constants or identifiers');
      return (v.ival.ival ?? 0) as number;
    });
    return resolveTypeName(names(typeName['names'] as Node[]), modifiers, ((typeName['arrayBounds'] ?? []) as Node[]).length);
  }

  private typeCast(b: Record<string, unknown>): Compiled {
    const target = this.typeOf(b['typeName'] as Record<string, unknown>);
    const argNode = b['arg'] as Node;
    if (nodeKind(argNode) === 'A_ArrayExpr' && isArrayType(target.oid)) {
      // ARRAY[...]::t[] casts the elements to t (transformArrayExpr with a target type).
      const element = sqlType(elementTypeOf(target.oid), target.typmod);
      const items = ((body(argNode).elements ?? []) as Node[]).map((e) => {
        const c = this.compile(e);
        return this.coerce(c, planCoercion(c.type, element, 'explicit'));
      });
      return { type: target, evaluate: (s, ctx) => SqlArray.of(element.oid, items.map((i) => i.evaluate(s, ctx))) };
    }
    const arg = this.compile(argNode);
    return this.coerce(arg, planCoercion(arg.type, target, 'explicit'));
  }

  /** Unknown literals become text where a type is required and nothing else decides it. */
  private literalAsText(c: Compiled): Compiled {
    return c.type.oid === Oid.unknown ? this.coerce(c, planCoercion(c.type, T.text, 'implicit')) : c;
  }

  private call(resolved: ResolvedCall, args: readonly Compiled[]): Compiled {
    const coerced = args.map((a, i) => this.coerce(a, resolved.argCoercions[i] as CastPlan));
    if (resolved.returnsSet) {
      return {
        type: resolved.returnType,
        evaluate: () => {
          throw unsupported('set-returning function in this position');
        },
        evaluateSet: (s, ctx) => resolved.invokeSet(coerced.map((a) => a.evaluate(s, ctx)), ctx),
      };
    }
    return { type: resolved.returnType, evaluate: (s, ctx) => resolved.invoke(coerced.map((a) => a.evaluate(s, ctx)), ctx) };
  }

  private operator(name: string, left: Node | undefined, right: Node): Compiled {
    const l = left === undefined ? undefined : this.compile(left);
    const r = this.compile(right);
    const resolved = resolveOperator(name, l?.type, r.type);
    return this.call(resolved, l === undefined ? [r] : [l, r]);
  }

  private expression(b: Record<string, unknown>): Compiled {
    const name = names(b['name'] as Node[]).pop() as string;
    const lexpr = b['lexpr'] as Node | undefined;
    const rexpr = b['rexpr'] as Node;
    switch (b['kind']) {
      case 'AEXPR_OP':
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR':
        return this.operator(name, lexpr, rexpr);
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        return this.quantified(name, lexpr as Node, rexpr, b['kind'] === 'AEXPR_OP_ANY');
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const equal = this.operator('=', lexpr, rexpr);
        const l = this.compile(lexpr as Node);
        const r = this.compile(rexpr);
        const distinct = b['kind'] === 'AEXPR_DISTINCT';
        return {
          type: T.bool,
          evaluate: (s, ctx) => isDistinctFrom(l.evaluate(s, ctx), r.evaluate(s, ctx), () => equal.evaluate(s, ctx)) === distinct,
        };
      }
      case 'AEXPR_NULLIF': {
        const l = this.compile(lexpr as Node);
        const r = this.compile(rexpr);
        const { equality } = planNullif(l.type, r.type);
        const left = this.coerce(l, equality.argCoercions[0] as CastPlan);
        const right = this.coerce(r, equality.argCoercions[1] as CastPlan);
        return { type: left.type, evaluate: (s, ctx) => nullifValue(left.evaluate(s, ctx), right.evaluate(s, ctx), equality, ctx) };
      }
      case 'AEXPR_IN': {
        const items = (body(rexpr).items as Node[]).map((item) => this.operator(name, lexpr, item));
        // NOT IN is <> ALL: the negation of IN under three-valued logic.
        if (name === '<>') return { type: T.bool, evaluate: (s, ctx) => sqlNot(inList(items.map((i) => sqlNot(i.evaluate(s, ctx))))) };
        return { type: T.bool, evaluate: (s, ctx) => inList(items.map((i) => i.evaluate(s, ctx))) };
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN': {
        const [low, high] = body(rexpr).items as [Node, Node];
        const ge = this.operator('>=', lexpr, low);
        const le = this.operator('<=', lexpr, high);
        const negate = b['kind'] === 'AEXPR_NOT_BETWEEN';
        return {
          type: T.bool,
          evaluate: (s, ctx) => {
            const inRange = sqlAnd(ge.evaluate(s, ctx), le.evaluate(s, ctx));
            return negate ? sqlNot(inRange) : inRange;
          },
        };
      }
      default:
        throw unsupported(`expression ${String(b['kind'])}`);
    }
  }

  /** x op ANY/ALL (array): three-valued over the elements (manual 9.24.3). */
  private quantified(name: string, left: Node, right: Node, any: boolean): Compiled {
    const l = this.compile(left);
    const r = this.compile(right);
    const plan = planQuantified(name, l.type, r.type);
    const leftValue = this.coerce(l, plan.operator.argCoercions[0] as CastPlan);
    const array = this.coerce(r, plan.arrayCoercion);
    return {
      type: T.bool,
      evaluate: (s, ctx) => quantifiedComparison(plan.operator, leftValue.evaluate(s, ctx), array.evaluate(s, ctx) as SqlArray | null, any, ctx),
    };
  }

  private boolean(b: Record<string, unknown>): Compiled {
    const args = (b['args'] as Node[]).map((a) => {
      const c = this.compile(a);
      return this.coerce(c, planCoercion(c.type, T.bool, 'implicit'));
    });
    switch (b['boolop']) {
      case 'AND_EXPR':
        return { type: T.bool, evaluate: (s, ctx) => args.reduce<Value>((acc, a) => sqlAnd(acc, a.evaluate(s, ctx)), true) };
      case 'OR_EXPR':
        return { type: T.bool, evaluate: (s, ctx) => args.reduce<Value>((acc, a) => sqlOr(acc, a.evaluate(s, ctx)), false) };
      default:
        return { type: T.bool, evaluate: (s, ctx) => sqlNot((args[0] as Compiled).evaluate(s, ctx)) };
    }
  }

  private booleanTest(b: Record<string, unknown>): Compiled {
    const c = this.compile(b['arg'] as Node);
    const arg = this.coerce(c, planCoercion(c.type, T.bool, 'implicit'));
    const test = b['booltesttype'] as string;
    return {
      type: T.bool,
      evaluate: (s, ctx) => {
        const v = arg.evaluate(s, ctx);
        switch (test) {
          case 'IS_TRUE': return v === true;
          case 'IS_NOT_TRUE': return v !== true;
          case 'IS_FALSE': return v === false;
          case 'IS_NOT_FALSE': return v !== false;
          case 'IS_UNKNOWN': return v === null;
          default: return v !== null;
        }
      },
    };
  }

  private functionCall(b: Record<string, unknown>): Compiled {
    const name = names(b['funcname'] as Node[]).pop() as string;
    if (b['over'] !== undefined) return this.windowCall(name, b);
    const argNodes = (b['args'] ?? []) as Node[];
    const compiledArgs: Compiled[] = [];
    const callArgs: CallArgument[] = [];
    for (const node of argNodes) {
      if (nodeKind(node) === 'NamedArgExpr') {
        const named = body(node);
        const c = this.compile(named.arg as Node);
        compiledArgs.push(c);
        callArgs.push({ type: c.type, name: named.name as string });
      } else {
        const c = this.compile(node);
        compiledArgs.push(c);
        callArgs.push({ type: c.type });
      }
    }
    const resolved = resolveFunction(name, callArgs, { variadic: b['func_variadic'] === true });
    if (resolved.kind === 'aggregate') return this.aggregateCall(resolved, compiledArgs, b);
    if (resolved.kind === 'window') throw new PgError('42809', `window function ${name} requires an OVER clause`);
    return this.call(resolved, compiledArgs);
  }

  /** An aggregate over all rows of the scope, with optional ORDER BY and FILTER. */
  private aggregateCall(resolved: ResolvedCall, args: readonly Compiled[], b: Record<string, unknown>): Compiled {
    const coerced = args.map((a, i) => this.coerce(a, resolved.argCoercions[i] as CastPlan));
    const order = this.sortKeys((b['agg_order'] ?? []) as Node[]);
    const filter = b['agg_filter'] === undefined ? undefined : this.compile(b['agg_filter'] as Node);
    const distinct = b['agg_distinct'] === true;
    return {
      type: resolved.returnType,
      evaluate: (scope, ctx) => {
        const aggregate = resolved.createAggregate();
        let state = aggregate.initial();
        let indexes = scope.rows.map((_, i) => i);
        if (order.length > 0) indexes = sortRows(indexes, scope, order, ctx);
        const seen = new Set<string>();
        for (const i of indexes) {
          const rowScope: Scope = { row: scope.rows[i] as Value[], rows: scope.rows, rowIndex: i };
          if (filter !== undefined && filter.evaluate(rowScope, ctx) !== true) continue;
          const values = coerced.map((a) => a.evaluate(rowScope, ctx));
          if (distinct) {
            const key = JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
            if (seen.has(key)) continue;
            seen.add(key);
          }
          state = accumulate(aggregate, state, values, ctx);
        }
        return aggregate.final(state, ctx);
      },
    };
  }

  private sortKeys(nodes: readonly Node[]): { key: Compiled; descending: boolean; nullsFirst: boolean }[] {
    return nodes.map((n) => {
      const sort = body(n);
      const key = this.literalAsText(this.compile(sort.node as Node));
      const descending = sort.sortby_dir === 'SORTBY_DESC';
      const nullsFirst = sort.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sort.sortby_nulls !== 'SORTBY_NULLS_LAST' && descending);
      return { key, descending, nullsFirst };
    });
  }

  /** A window function or aggregate OVER (PARTITION BY ... ORDER BY ... [ROWS frame]). */
  private windowCall(name: string, b: Record<string, unknown>): Compiled {
    const over = b['over'] as Record<string, unknown>;
    const args = ((b['args'] ?? []) as Node[]).map((a) => this.compile(a));
    const resolved = resolveFunction(name, args.map((a) => ({ type: a.type })));
    const coerced = args.map((a, i) => this.coerce(a, resolved.argCoercions[i] as CastPlan));
    const partition = ((over['partitionClause'] ?? []) as Node[]).map((p) => this.literalAsText(this.compile(p)));
    const order = this.sortKeys((over['orderClause'] ?? []) as Node[]);
    const frameOptions = (over['frameOptions'] as number | undefined) ?? 0;
    // FRAMEOPTION_* bits of PostgreSQL's parsenodes.h.
    const rowsFrame = (frameOptions & 0x4) !== 0;
    const rangeToEnd = (frameOptions & 0x1) !== 0 && !rowsFrame && (frameOptions & 0x100) !== 0;
    const startOffset = over['startOffset'] === undefined ? undefined : this.compile(over['startOffset'] as Node);
    const endOffset = over['endOffset'] === undefined ? undefined : this.compile(over['endOffset'] as Node);
    return {
      type: resolved.returnType,
      evaluate: (scope, ctx) => {
        const rowScope = (i: number): Scope => ({ row: scope.rows[i] as Value[], rows: scope.rows, rowIndex: i });
        const key = (i: number): string => JSON.stringify(partition.map((p) => p.evaluate(rowScope(i), ctx)), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        const mine = key(scope.rowIndex);
        let members = scope.rows.map((_, i) => i).filter((i) => key(i) === mine);
        if (order.length > 0) members = sortRows(members, scope, order, ctx);
        const position = members.indexOf(scope.rowIndex);
        const peer = (i: number, j: number): boolean => order.every((o) => compareNullable(o.key.evaluate(rowScope(members[i] as number), ctx), o.key.evaluate(rowScope(members[j] as number), ctx), comparatorFor(o.key.type.oid), o.nullsFirst) === 0);
        let peerStart = position;
        while (peerStart > 0 && peer(peerStart - 1, position)) peerStart--;
        let peerEnd = position + 1;
        while (peerEnd < members.length && peer(peerEnd, position)) peerEnd++;
        let groupIndex = 0;
        for (let i = 1; i <= peerStart; i++) if (!peer(i - 1, i)) groupIndex++;
        let frameStart = 0;
        let frameEnd = order.length > 0 && !rangeToEnd ? peerEnd : members.length;
        if (rowsFrame) {
          const offset = (c: Compiled | undefined): number => Number(c?.evaluate(scope, ctx) ?? 0);
          frameStart = (frameOptions & 0x20) !== 0 ? 0 : (frameOptions & 0x200) !== 0 ? position : (frameOptions & 0x800) !== 0 ? position - offset(startOffset) : (frameOptions & 0x2000) !== 0 ? position + offset(startOffset) : 0;
          frameEnd = (frameOptions & 0x100) !== 0 ? members.length : (frameOptions & 0x400) !== 0 ? position + 1 : (frameOptions & 0x1000) !== 0 ? position - offset(endOffset) + 1 : (frameOptions & 0x4000) !== 0 ? position + offset(endOffset) + 1 : position + 1;
          frameStart = Math.max(0, frameStart);
          frameEnd = Math.min(members.length, frameEnd);
        }
        const rows: WindowRows = {
          partitionRowCount: members.length,
          currentRow: position,
          peerGroupStart: peerStart,
          peerGroupEnd: peerEnd,
          peerGroupIndex: groupIndex,
          frameStart,
          frameEnd,
          argumentCount: coerced.length,
          isExcluded: () => false,
          argument: (a, r) => (coerced[a] as Compiled).evaluate(rowScope(members[r] as number), ctx),
        };
        if (resolved.kind === 'aggregate') {
          const aggregate = resolved.createAggregate();
          let state = aggregate.initial();
          for (let r = frameStart; r < frameEnd; r++) state = accumulate(aggregate, state, coerced.map((_, a) => rows.argument(a, r)), ctx);
          return aggregate.final(state, ctx);
        }
        return resolved.createWindow().evaluate(rows, ctx);
      },
    };
  }

  private valueFunction(b: Record<string, unknown>): Compiled {
    switch (b['op']) {
      case 'SVFOP_CURRENT_DATE':
        return { type: T.date, evaluate: (_s, ctx) => timestampToDate(timestamptzToTimestamp(ctx.transactionTimestampMicros, ctx)) };
      case 'SVFOP_CURRENT_TIMESTAMP':
      case 'SVFOP_CURRENT_TIMESTAMP_N':
        return { type: T.timestamptz, evaluate: (_s, ctx) => ctx.transactionTimestampMicros };
      case 'SVFOP_LOCALTIMESTAMP':
      case 'SVFOP_LOCALTIMESTAMP_N':
        return { type: T.timestamp, evaluate: (_s, ctx) => timestamptzToTimestamp(ctx.transactionTimestampMicros, ctx) };
      case 'SVFOP_LOCALTIME':
      case 'SVFOP_LOCALTIME_N':
        return { type: T.time, evaluate: (_s, ctx) => floorMod(timestamptzToTimestamp(ctx.transactionTimestampMicros, ctx), MICROS_PER_DAY) };
      default:
        throw unsupported(`SQL value function ${String(b['op'])}`);
    }
  }

  /** ARRAY[...]: the elements' common type, or nested sub-arrays of equal shape. */
  private array(elements: readonly Node[]): Compiled {
    const nested = elements.length > 0 && elements.every((e) => nodeKind(e) === 'A_ArrayExpr');
    if (nested) {
      const subs = elements.map((e) => this.array(body(e).elements ?? []));
      const common = selectCommonType(subs.map((s) => s.type), 'ARRAY');
      const coerced = subs.map((s) => this.coerce(s, planCoercion(s.type, common, 'implicit')));
      const elementOid = elementTypeOf(common.oid);
      return {
        type: common,
        evaluate: (s, ctx) => {
          const arrays = coerced.map((c) => c.evaluate(s, ctx) as SqlArray | null);
          const nonEmpty = arrays.filter((a): a is SqlArray => a !== null && a.ndim > 0);
          if (nonEmpty.length === 0) return SqlArray.of(elementOid, []);
          const first = nonEmpty[0] as SqlArray;
          if (nonEmpty.length !== arrays.length || nonEmpty.some((a) => a.ndim !== first.ndim || a.dims.some((d, i) => d !== first.dims[i]))) {
            throw new PgError('2202E', 'multidimensional arrays must have array expressions with matching dimensions');
          }
          return new SqlArray(elementOid, nonEmpty.flatMap((a) => a.elements), [nonEmpty.length, ...first.dims], [1, ...first.lowerBounds]);
        },
      };
    }
    const items = elements.map((e) => this.compile(e));
    if (items.length === 0) throw new PgError('42P18', 'cannot determine type of empty array', { hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].' });
    const common = selectCommonType(items.map((i) => i.type), 'ARRAY');
    const arrayType = arrayTypeOf(common.oid);
    if (arrayType === 0) throw new PgError('42704', `could not find array type for data type ${common.oid}`);
    const coerced = items.map((i) => this.coerce(i, planCoercion(i.type, common, 'implicit')));
    return {
      type: sqlType(arrayType, common.typmod),
      evaluate: (s, ctx) => SqlArray.of(common.oid, coerced.map((c) => c.evaluate(s, ctx))),
    };
  }

  private indirection(b: Record<string, unknown>): Compiled {
    let current = this.compile(b['arg'] as Node);
    for (const step of b['indirection'] as Node[]) {
      if (nodeKind(step) !== 'A_Indices') throw unsupported('field selection');
      const indices = body(step);
      const toInt = (n: Node | undefined): Compiled | undefined => {
        if (n === undefined) return undefined;
        const c = this.compile(n);
        return this.coerce(c, planCoercion(c.type, T.int4, 'implicit'));
      };
      const lower = toInt(indices.lidx);
      const upper = toInt(indices.uidx);
      const base = current;
      if (!isArrayType(base.type.oid)) throw new PgError('42804', `cannot subscript type ${base.type.oid} because it does not support subscripting`);
      if (indices.is_slice === true) {
        current = {
          type: base.type,
          evaluate: (s, ctx) => arraySlice(base.evaluate(s, ctx) as SqlArray | null, lower?.evaluate(s, ctx) as number | null | undefined, upper?.evaluate(s, ctx) as number | null | undefined),
        };
      } else {
        current = {
          type: sqlType(elementTypeOf(base.type.oid)),
          evaluate: (s, ctx) => arraySubscript(base.evaluate(s, ctx) as SqlArray | null, [upper?.evaluate(s, ctx) as number | null]),
        };
      }
    }
    return current;
  }

  private common(nodes: readonly Node[], construct: string): { type: SqlType; items: Compiled[] } {
    const items = nodes.map((n) => this.compile(n));
    const plan = construct === 'GREATEST' || construct === 'LEAST'
      ? planGreatestLeast(items.map((i) => i.type), construct === 'GREATEST')
      : planCommonType(items.map((i) => i.type), construct);
    return { type: plan.type, items: items.map((i, k) => this.coerce(i, plan.coercions[k] as CastPlan)) };
  }

  private coalesce(nodes: readonly Node[]): Compiled {
    const { type, items } = this.common(nodes, 'COALESCE');
    return {
      type,
      evaluate: (s, ctx) => {
        // Evaluated lazily: later arguments are not computed once one is not NULL.
        for (const item of items) {
          const v = item.evaluate(s, ctx);
          if (v !== null) return v;
        }
        return coalesceValues([]);
      },
    };
  }

  private minMax(greatest: boolean, nodes: readonly Node[]): Compiled {
    const { type, items } = this.common(nodes, greatest ? 'GREATEST' : 'LEAST');
    return { type, evaluate: (s, ctx) => greatestOrLeast(items.map((i) => i.evaluate(s, ctx)), type, greatest) };
  }

  private caseExpression(b: Record<string, unknown>): Compiled {
    const whens = (b['args'] as Node[]).map((w) => body(w));
    const elseNode = b['defresult'] as Node | undefined;
    // PostgreSQL types CASE results with the ELSE first, then the WHENs in order.
    const resultNodes = [...(elseNode === undefined ? [] : [elseNode]), ...whens.map((w) => w.result as Node)];
    const { type, items } = this.common(resultNodes, 'CASE');
    const elseResult = elseNode === undefined ? undefined : items[0];
    const results = elseNode === undefined ? items : items.slice(1);
    const testArg = b['arg'] === undefined ? undefined : (b['arg'] as Node);
    const conditions = whens.map((w) => {
      if (testArg !== undefined) return this.operator('=', testArg, w.expr as Node);
      const c = this.compile(w.expr as Node);
      return this.coerce(c, planCoercion(c.type, T.bool, 'implicit'));
    });
    return {
      type,
      evaluate: (s, ctx) => {
        for (let i = 0; i < conditions.length; i++) {
          if ((conditions[i] as Compiled).evaluate(s, ctx) === true) return (results[i] as Compiled).evaluate(s, ctx);
        }
        return elseResult === undefined ? null : elseResult.evaluate(s, ctx);
      },
    };
  }

  /** The select list's expression as an output column: unknown literals become text. */
  compileOutput(node: Node): Compiled {
    return this.compile(node);
  }
}

function sortRows(indexes: number[], scope: Scope, order: readonly { key: Compiled; descending: boolean; nullsFirst: boolean }[], ctx: EvalContext): number[] {
  const keys = new Map(indexes.map((i) => [i, order.map((o) => o.key.evaluate({ row: scope.rows[i] as Value[], rows: scope.rows, rowIndex: i }, ctx))]));
  return [...indexes].sort((a, b) => {
    for (const [k, o] of order.entries()) {
      const x = (keys.get(a) as Value[])[k] as Value;
      const y = (keys.get(b) as Value[])[k] as Value;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === o.nullsFirst ? -1 : 1;
      }
      const c = comparatorFor(o.key.type.oid)(x, y);
      if (c !== 0) return o.descending ? -c : c;
    }
    return a - b;
  });
}

export interface EvaluationResult {
  readonly type: SqlType;
  /** One value for a scalar expression; any number for a set-returning one. */
  readonly values: readonly Value[];
}

/**
 * Evaluates each item of `SELECT <list>`: scalar expressions once (aggregates over `rows`),
 * or, with rows and a non-aggregate expression, once per row.
 */
export function evaluateSelect(
  sql: string,
  ctx: EvalContext,
  input: { columns?: readonly { name: string; type: SqlType }[]; rows?: readonly (readonly Value[])[]; perRow?: boolean } = {},
): EvaluationResult[] {
  const statements = parseSql(sql);
  const statement = statements[0];
  if (statements.length !== 1 || statement === undefined || nodeKind(statement.ast) !== 'SelectStmt') throw unsupported('statement');
  const select = body(statement.ast);
  const columns = new Map((input.columns ?? []).map((c, index) => [c.name, { index, type: c.type }]));
  const compiler = new ExpressionCompiler(columns, ctx);
  const rows = input.rows ?? [];
  return ((select.targetList ?? []) as Node[]).map((target) => {
    const compiled = compiler.compileOutput(body(target).val as Node);
    if (input.perRow === true) {
      return { type: compiled.type, values: rows.map((row, rowIndex) => compiled.evaluate({ row, rows, rowIndex }, ctx)) };
    }
    const scope: Scope = { row: [], rows, rowIndex: 0 };
    if (compiled.evaluateSet !== undefined) return { type: compiled.type, values: [...compiled.evaluateSet(scope, ctx)] };
    return { type: compiled.type, values: [compiled.evaluate(scope, ctx)] };
  });
}
