/**
 * Typed scalar expressions of a logical plan, as semantic analysis produces them: every node
 * knows its SQL type, column references are positions in the input row, and functions and
 * operators are already resolved to their implementations.
 */
import type { Aggregate, ScalarImpl, SetImpl } from '../functions/function-types.js';
import type { CastPlan } from '../types/coercion.js';
import type { SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import type { RelExpr } from './rel-expr.js';

export type ScalarExpr =
  | { readonly kind: 'const'; readonly type: SqlType; readonly value: Value }
  /** A column of the row the expression is evaluated on. */
  | { readonly kind: 'column'; readonly type: SqlType; readonly index: number }
  /** A column of an enclosing query's current row (a correlated reference); depth 1 is the nearest. */
  | { readonly kind: 'outer'; readonly type: SqlType; readonly depth: number; readonly index: number }
  | {
      readonly kind: 'call';
      readonly type: SqlType;
      readonly name: string;
      readonly impl: ScalarImpl;
      readonly args: readonly ScalarExpr[];
      /** Strict calls answer NULL for any NULL argument without running. */
      readonly strict: boolean;
      readonly volatile: boolean;
    }
  | { readonly kind: 'and' | 'or'; readonly type: SqlType; readonly args: readonly ScalarExpr[] }
  | { readonly kind: 'not'; readonly type: SqlType; readonly arg: ScalarExpr }
  | { readonly kind: 'isNull'; readonly type: SqlType; readonly arg: ScalarExpr; readonly negated: boolean }
  /** IS [NOT] TRUE / FALSE / UNKNOWN. */
  | { readonly kind: 'boolTest'; readonly type: SqlType; readonly arg: ScalarExpr; readonly test: 'true' | 'false' | 'unknown'; readonly negated: boolean }
  /** IS [NOT] DISTINCT FROM: `equals` is the resolved = operator. */
  | { readonly kind: 'distinct'; readonly type: SqlType; readonly left: ScalarExpr; readonly right: ScalarExpr; readonly equals: ScalarImpl; readonly negated: boolean }
  | { readonly kind: 'cast'; readonly type: SqlType; readonly arg: ScalarExpr; readonly cast: CastPlan }
  | { readonly kind: 'case'; readonly type: SqlType; readonly whens: readonly { readonly when: ScalarExpr; readonly then: ScalarExpr }[]; readonly otherwise: ScalarExpr }
  | { readonly kind: 'coalesce'; readonly type: SqlType; readonly args: readonly ScalarExpr[] }
  /** GREATEST / LEAST: NULLs are ignored; NULL only when all are. */
  | { readonly kind: 'minmax'; readonly type: SqlType; readonly op: 'greatest' | 'least'; readonly args: readonly ScalarExpr[] }
  | { readonly kind: 'nullif'; readonly type: SqlType; readonly left: ScalarExpr; readonly right: ScalarExpr; readonly equals: ScalarImpl }
  /** x IN (a, b, ...): equality by `equals`, with SQL's NULL rules. */
  | { readonly kind: 'inList'; readonly type: SqlType; readonly arg: ScalarExpr; readonly list: readonly ScalarExpr[]; readonly equals: ScalarImpl; readonly negated: boolean }
  | { readonly kind: 'array'; readonly type: SqlType; readonly elements: readonly ScalarExpr[] }
  /**
   * A set-returning function in a SELECT list (PostgreSQL 10+ semantics): the row is repeated
   * once per value, several such functions run in lockstep and the shorter ones yield NULL.
   */
  | { readonly kind: 'srfCall'; readonly type: SqlType; readonly name: string; readonly impl: SetImpl; readonly args: readonly ScalarExpr[] }
  /** array[i] (1-based by the array's lower bound; out of range is NULL). */
  | { readonly kind: 'subscript'; readonly type: SqlType; readonly array: ScalarExpr; readonly index: ScalarExpr }
  /** array[lower:upper] (either bound may be omitted); an empty range gives an empty array. */
  | { readonly kind: 'slice'; readonly type: SqlType; readonly array: ScalarExpr; readonly lower: ScalarExpr | undefined; readonly upper: ScalarExpr | undefined }
  /** The array with element `index` set to `value` (UPDATE ... SET a[i] = v). */
  | { readonly kind: 'arraySet'; readonly type: SqlType; readonly array: ScalarExpr; readonly index: ScalarExpr; readonly value: ScalarExpr }
  /** ROW(a, b, ...): a record value. */
  | { readonly kind: 'row'; readonly type: SqlType; readonly fields: readonly ScalarExpr[]; readonly names?: readonly string[] }
  | { readonly kind: 'subquery'; readonly type: SqlType; readonly mode: 'scalar' | 'exists' | 'array'; readonly plan: RelExpr }
  /** x op ANY/ALL (subquery or array): op is resolved against the element type. */
  | {
      readonly kind: 'quantified';
      readonly type: SqlType;
      readonly quantifier: 'any' | 'all';
      readonly arg: ScalarExpr;
      readonly op: ScalarImpl;
      readonly source: { readonly kind: 'subquery'; readonly plan: RelExpr } | { readonly kind: 'array'; readonly array: ScalarExpr };
    }
  /**
   * (a, b) op ANY/ALL (subquery with as many columns): each subquery row is compared field by
   * field (the row matches when every field comparison is true, as for =; `combine` 'or' for <>).
   */
  | {
      readonly kind: 'rowQuantified';
      readonly type: SqlType;
      readonly quantifier: 'any' | 'all';
      readonly fields: readonly ScalarExpr[];
      readonly ops: readonly ScalarImpl[];
      readonly combine: 'and' | 'or';
      readonly plan: RelExpr;
      /** A row compared with a scalar subquery: more than one row is an error (21000), none is NULL. */
      readonly single?: boolean;
    }
  /** A parameter of a prepared statement ($1 is index 0). */
  | { readonly kind: 'param'; readonly type: SqlType; readonly index: number };

export interface AggregateCall {
  readonly aggregate: Aggregate;
  readonly args: readonly ScalarExpr[];
  readonly distinct: boolean;
  readonly filter?: ScalarExpr;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY x)). */
  readonly orderBy: readonly SortKey[];
}

export interface SortKey {
  readonly expr: ScalarExpr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** A short text of an expression for equality checks (GROUP BY matching); never shown to users. */
export function exprFingerprint(expr: ScalarExpr): string {
  return JSON.stringify(expr, (key, value: unknown) => {
    if (key === 'impl' || key === 'equals' || key === 'op' || key === 'cast' || key === 'plan') return typeof value === 'function' ? 'fn' : key === 'plan' ? 'plan' : value;
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });
}
