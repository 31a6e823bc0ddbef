/**
 * Evaluates a typed scalar expression on one row with SQL's three-valued logic: AND is false if
 * any argument is false, else NULL if any is NULL; OR the dual; strict calls are NULL on any NULL
 * argument; IN and ANY/ALL answer NULL when no match is found but a NULL was compared.
 */
import { PgError } from '../errors/pg-error.js';
import type { EvalContext } from '../functions/eval-context.js';
import { asArgs, type ScalarImpl } from '../functions/function-types.js';
import type { RelExpr } from '../plan/rel-expr.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { compareValues } from '../types/compare.js';
import { SqlArray, SqlRecord, type Value } from '../types/value.js';

export interface EvalEnv {
  readonly ctx: EvalContext;
  /** The rows of the enclosing queries, innermost last (correlated references read them). */
  readonly outer: readonly (readonly Value[])[];
  readonly params: readonly Value[];
  /** Runs a subquery plan with `outerRow` pushed onto the outer rows. */
  readonly runSubquery: (plan: RelExpr, outerRow: readonly Value[]) => Value[][];
}

function callImpl(impl: ScalarImpl, args: readonly Value[], expr: Extract<ScalarExpr, { kind: 'call' }>, env: EvalEnv): Value {
  return impl(asArgs(args), { ctx: env.ctx, argTypes: expr.args.map((a) => a.type), returnType: expr.type });
}

function compareWith(impl: ScalarImpl, a: Value, b: Value, env: EvalEnv, expr: ScalarExpr): Value {
  if (a === null || b === null) return null;
  return impl(asArgs([a, b]), { ctx: env.ctx, argTypes: [], returnType: expr.type });
}

/** Folds a sequence of comparison outcomes the way IN / ANY (any=true) and ALL (any=false) do. */
function quantify(outcomes: Iterable<Value>, any: boolean): Value {
  let sawNull = false;
  for (const outcome of outcomes) {
    if (outcome === null) sawNull = true;
    else if (outcome === any) return any;
  }
  return sawNull ? null : !any;
}

export function evalScalar(expr: ScalarExpr, row: readonly Value[], env: EvalEnv): Value {
  switch (expr.kind) {
    case 'const': return expr.value;
    case 'column': return row[expr.index] ?? null;
    case 'outer': return env.outer[env.outer.length - expr.depth]?.[expr.index] ?? null;
    case 'param': return env.params[expr.index] ?? null;
    case 'call': {
      const args = expr.args.map((a) => evalScalar(a, row, env));
      if (expr.strict && args.some((a) => a === null)) return null;
      return callImpl(expr.impl, args, expr, env);
    }
    case 'and': {
      let sawNull = false;
      for (const arg of expr.args) {
        const v = evalScalar(arg, row, env);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (const arg of expr.args) {
        const v = evalScalar(arg, row, env);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'not': {
      const v = evalScalar(expr.arg, row, env);
      return v === null ? null : !v;
    }
    case 'isNull': {
      const v = evalScalar(expr.arg, row, env);
      if (v instanceof SqlRecord) {
        // A row IS NULL when every field is; IS NOT NULL when none is (manual 9.2).
        return expr.negated ? v.fields.every((f) => f !== null) : v.fields.every((f) => f === null);
      }
      return (v === null) !== expr.negated;
    }
    case 'boolTest': {
      const v = evalScalar(expr.arg, row, env);
      const holds = expr.test === 'unknown' ? v === null : v === (expr.test === 'true');
      return holds !== expr.negated;
    }
    case 'distinct': {
      const a = evalScalar(expr.left, row, env);
      const b = evalScalar(expr.right, row, env);
      const same = a === null || b === null ? a === b : compareWith(expr.equals, a, b, env, expr) === true;
      return expr.negated ? same : !same;
    }
    case 'cast': {
      const v = evalScalar(expr.arg, row, env);
      return v === null ? null : expr.cast.apply(v, env.ctx);
    }
    case 'case': {
      for (const when of expr.whens) if (evalScalar(when.when, row, env) === true) return evalScalar(when.then, row, env);
      return evalScalar(expr.otherwise, row, env);
    }
    case 'coalesce': {
      for (const arg of expr.args) {
        const v = evalScalar(arg, row, env);
        if (v !== null) return v;
      }
      return null;
    }
    case 'minmax': {
      let best: Value = null;
      for (const arg of expr.args) {
        const v = evalScalar(arg, row, env);
        if (v === null) continue;
        const c = best === null ? 1 : compareValues(v, best, expr.type);
        if (best === null || (expr.op === 'greatest' ? c > 0 : c < 0)) best = v;
      }
      return best;
    }
    case 'nullif': {
      const a = evalScalar(expr.left, row, env);
      const b = evalScalar(expr.right, row, env);
      return compareWith(expr.equals, a, b, env, expr) === true ? null : a;
    }
    case 'inList': {
      const a = evalScalar(expr.arg, row, env);
      if (a === null) return null;
      const found = quantify(expr.list.map((item) => compareWith(expr.equals, a, evalScalar(item, row, env), env, expr)), true);
      return found === null ? null : found !== expr.negated;
    }
    case 'srfCall':
      throw new PgError('0A000', `set-returning function ${expr.name} is not supported here`);
    case 'subscript': {
      const array = evalScalar(expr.array, row, env);
      const index = evalScalar(expr.index, row, env);
      if (array === null || index === null || !(array instanceof SqlArray) || array.ndim !== 1) return null;
      const position = Number(index) - (array.lowerBounds[0] ?? 1);
      return position >= 0 && position < array.elements.length ? (array.elements[position] ?? null) : null;
    }
    case 'slice': {
      const array = evalScalar(expr.array, row, env);
      if (array === null || !(array instanceof SqlArray)) return null;
      const base = array.lowerBounds[0] ?? 1;
      const lowerValue = expr.lower === undefined ? base : evalScalar(expr.lower, row, env);
      const upperValue = expr.upper === undefined ? base + array.elements.length - 1 : evalScalar(expr.upper, row, env);
      if (lowerValue === null || upperValue === null) return null;
      const from = Math.max(Number(lowerValue), base) - base;
      const to = Math.min(Number(upperValue), base + array.elements.length - 1) - base;
      return SqlArray.of(array.elementType, to < from ? [] : array.elements.slice(from, to + 1));
    }
    case 'arraySet': {
      const array = evalScalar(expr.array, row, env);
      const index = evalScalar(expr.index, row, env);
      const value = evalScalar(expr.value, row, env);
      if (index === null) throw new PgError('22004', 'array subscript in assignment must not be null');
      const position = Number(index);
      const elementType = expr.value.type.oid;
      if (array === null || !(array instanceof SqlArray) || array.isEmpty) return new SqlArray(elementType, [value], [1], [position]);
      const base = array.lowerBounds[0] ?? 1;
      const elements = [...array.elements];
      let lower = base;
      if (position < base) {
        elements.unshift(...new Array<Value>(base - position).fill(null));
        lower = position;
      }
      while (position - lower >= elements.length) elements.push(null);
      elements[position - lower] = value;
      return new SqlArray(array.elementType, elements, [elements.length], [lower]);
    }
    case 'row': return new SqlRecord(expr.fields.map((f) => evalScalar(f, row, env)), expr.fields.map((f) => f.type), expr.names);
    case 'array': {
      const elementType = expr.elements[0]?.type.oid ?? 0;
      return SqlArray.of(elementType, expr.elements.map((e) => evalScalar(e, row, env)));
    }
    case 'subquery': {
      const rows = env.runSubquery(expr.plan, row);
      if (expr.mode === 'exists') return rows.length > 0;
      if (expr.mode === 'array') return SqlArray.of(expr.plan.columns[0]?.type.oid ?? 0, rows.map((r) => r[0] ?? null));
      if (rows.length > 1) throw new PgError('21000', 'more than one row returned by a subquery used as an expression');
      return rows[0]?.[0] ?? null;
    }
    case 'rowQuantified': {
      const left = expr.fields.map((f) => evalScalar(f, row, env));
      const rows = env.runSubquery(expr.plan, row);
      if (expr.single === true) {
        if (rows.length > 1) throw new PgError('21000', 'more than one row returned by a subquery used as an expression');
        if (rows.length === 0) return null;
      }
      if (rows.length === 0) return expr.quantifier === 'all';
      const outcomes = rows.map((r) => {
        const parts = left.map((v, i) => compareWith(expr.ops[i] as ScalarImpl, v, r[i] ?? null, env, expr));
        if (expr.combine === 'and') return parts.includes(false) ? false : parts.includes(null) ? null : true;
        return parts.includes(true) ? true : parts.includes(null) ? null : false;
      });
      return quantify(outcomes, expr.quantifier === 'any');
    }
    case 'quantified': {
      const a = evalScalar(expr.arg, row, env);
      let values: readonly Value[];
      if (expr.source.kind === 'subquery') {
        values = env.runSubquery(expr.source.plan, row).map((r) => r[0] ?? null);
      } else {
        const array = evalScalar(expr.source.array, row, env);
        if (array === null) return null;
        values = (array as SqlArray).elements;
      }
      if (values.length === 0) return expr.quantifier === 'all';
      if (a === null) return null;
      return quantify(values.map((v) => compareWith(expr.op, a, v, env, expr)), expr.quantifier === 'any');
    }
  }
}
