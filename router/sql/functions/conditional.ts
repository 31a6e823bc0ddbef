/**
 * The constructs PostgreSQL treats as syntax rather than functions (manual 9.18 and 9.24): COALESCE,
 * NULLIF, GREATEST and LEAST, CASE, IN, op ANY/ALL (array) and IS [NOT] DISTINCT FROM, and
 * SQL's three-valued AND, OR and NOT. Planning functions give the result type and the coercions;
 * evaluation functions take values already coerced.
 */
import { PgError } from '../errors/pg-error.js';
import { planCoercion, type CastPlan } from '../types/coercion.js';
import { comparatorFor } from '../types/compare.js';
import { selectCommonType } from '../types/common-type.js';
import { Oid } from '../types/oids.js';
import { sqlType, type SqlType } from '../types/sql-type.js';
import { arrayTypeOf, elementTypeOf, isArrayType } from '../types/type-registry.js';
import type { SqlArray, Value } from '../types/value.js';
import type { EvalContext } from './eval-context.js';
import { resolveOperator, type ResolvedCall } from './resolve.js';

/** The common type of a construct's inputs and the coercion of each input to it. */
export interface CommonTypePlan {
  readonly type: SqlType;
  readonly coercions: readonly CastPlan[];
}

/**
 * Plans COALESCE, GREATEST, LEAST, CASE results, ARRAY[...], VALUES columns and UNION columns:
 * the common type (select_common_type) and the implicit coercions to it. `construct` names the
 * construct in errors ("CASE types text and integer cannot be matched"); for CASE pass the ELSE
 * result first, as PostgreSQL does.
 */
export function planCommonType(types: readonly SqlType[], construct: string): CommonTypePlan {
  const type = selectCommonType(types, construct);
  return { type, coercions: types.map((t) => planCoercion(t, type, 'implicit')) };
}

/** GREATEST and LEAST need an order: "could not identify a comparison function" otherwise. */
export function planGreatestLeast(types: readonly SqlType[], greatest: boolean): CommonTypePlan {
  const plan = planCommonType(types, greatest ? 'GREATEST' : 'LEAST');
  comparatorFor(plan.type.oid);
  return plan;
}

export function coalesceValues(values: readonly Value[]): Value {
  for (const v of values) if (v !== null) return v;
  return null;
}

/** GREATEST/LEAST: NULLs are ignored; NULL only when all are NULL (manual 9.18.4). */
export function greatestOrLeast(values: readonly Value[], type: SqlType, greatest: boolean): Value {
  const compare = comparatorFor(type.oid);
  let best: Value = null;
  for (const v of values) {
    if (v === null) continue;
    if (best === null || (greatest ? compare(v, best) > 0 : compare(v, best) < 0)) best = v;
  }
  return best;
}

/**
 * NULLIF(a, b) resolves `a = b`; its result has the type of the operator's left input. The
 * caller coerces `a` and `b` with `equality.argCoercions`.
 */
export function planNullif(left: SqlType, right: SqlType): { equality: ResolvedCall; type: SqlType } {
  const equality = resolveOperator('=', left, right);
  const type = equality.argTargets[0] as SqlType;
  if (equality.returnType.oid !== Oid.bool) throw new PgError('42804', 'NULLIF requires = operator to yield boolean');
  return { equality, type };
}

export function nullifValue(a: Value, b: Value, equality: ResolvedCall, ctx: EvalContext): Value {
  return equality.invoke([a, b], ctx) === true ? null : a;
}

/** SQL's AND: false wins over NULL. */
export function sqlAnd(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

/** SQL's OR: true wins over NULL. */
export function sqlOr(a: Value, b: Value): Value {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

export function sqlNot(a: Value): Value {
  return a === null ? null : !a;
}

/** a IS DISTINCT FROM b, given the result of a = b for non-null inputs. */
export function isDistinctFrom(a: Value, b: Value, equals: () => Value): boolean {
  if (a === null || b === null) return !(a === null && b === null);
  return equals() !== true;
}

/**
 * Plans `left op ANY/ALL (array)`: the operator between the left type and the array's element
 * type (manual 9.24.3). An unknown array literal takes the left type's array type.
 */
export function planQuantified(operator: string, left: SqlType, array: SqlType): {
  operator: ResolvedCall;
  arrayCoercion: CastPlan;
  arrayType: SqlType;
} {
  let arrayType = array;
  if (array.oid === Oid.unknown) arrayType = sqlType(arrayTypeOf(left.oid) || Oid.textArray);
  if (!isArrayType(arrayType.oid)) throw new PgError('42809', 'op ANY/ALL (array) requires array on right side');
  const resolved = resolveOperator(operator, left, sqlType(elementTypeOf(arrayType.oid)));
  if (resolved.returnType.oid !== Oid.bool) throw new PgError('42809', 'op ANY/ALL (array) requires operator to yield boolean');
  return { operator: resolved, arrayCoercion: planCoercion(array, arrayType, 'implicit'), arrayType };
}

/**
 * Evaluates `left op ANY/ALL (array)` with three-valued logic: ANY is true if some comparison is
 * true, NULL if none is true and some is NULL; ALL is false if some comparison is false, NULL if
 * none is false and some is NULL. `left` is already coerced; elements are coerced here.
 */
export function quantifiedComparison(
  operator: ResolvedCall,
  left: Value,
  array: SqlArray | null,
  any: boolean,
  ctx: EvalContext,
): Value {
  if (array === null) return null;
  const elementPlan = operator.argCoercions[1] as CastPlan;
  let sawNull = false;
  for (const element of array.elements) {
    const result = operator.invoke([left, elementPlan.apply(element, ctx)], ctx);
    if (result === null) sawNull = true;
    else if (result === any) return any;
  }
  return sawNull ? null : !any;
}

/** `x IN (a, b, ...)` from the results of x = a, x = b, ...: true if one is true, else NULL if one is NULL. */
export function inList(results: Iterable<Value>): Value {
  let sawNull = false;
  for (const r of results) {
    if (r === true) return true;
    if (r === null) sawNull = true;
  }
  return sawNull ? null : false;
}
