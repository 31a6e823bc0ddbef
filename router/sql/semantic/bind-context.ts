/**
 * What binding an expression needs besides the expression: the scope, the session's evaluation
 * context (constant folding), a way to analyse subqueries, and, after GROUP BY, the grouping.
 */
import type { Node, WindowDef } from '@pgsql/types';
import type { SequenceBinding } from './bind-sequence.js';
import type { EvalContext } from '../functions/eval-context.js';
import type { RelExpr } from '../plan/rel-expr.js';
import type { AggregateCall, ScalarExpr } from '../plan/scalar-expr.js';
import type { WindowCall } from '../plan/window.js';
import type { SqlType } from '../types/sql-type.js';
import type { Scope } from './scope.js';

export interface GroupingState {
  /** The scope of the FROM clause: aggregate arguments and GROUP BY keys are bound in it. */
  readonly inputScope: Scope;
  readonly groupExprs: readonly ScalarExpr[];
  readonly groupKeys: readonly string[];
  readonly aggregates: AggregateCall[];
  readonly aggregateKeys: string[];
  /**
   * Columns functionally dependent on the grouped primary key (manual 7.2.3): carried through the
   * aggregate from each group's first row. Their references are numbered once the aggregates are
   * all known (after them in the output).
   */
  readonly carried: ScalarExpr[];
  readonly carriedKeys: string[];
  readonly carriedRefs: { index: number }[];
}

export interface WindowState {
  readonly calls: WindowCall[];
  /** The WINDOW clause's named windows. */
  readonly named: ReadonlyMap<string, WindowDef>;
  /** Position of the first window result in the row (window results follow the input columns). */
  readonly firstIndex: number;
  /**
   * The column references made for the calls, in call order: the input's width is known only
   * once every aggregate is bound, so they are numbered then (see placeWindowColumns).
   */
  readonly refs: { index: number }[];
}

export interface BindContext {
  readonly scope: Scope;
  readonly evalCtx: EvalContext;
  /** Analyses a subquery whose outer scope is `scope`. */
  readonly bindSubquery: (ast: Node, scope: Scope) => RelExpr;
  readonly grouping: GroupingState | undefined;
  readonly windows: WindowState | undefined;
  /** Where the expression is, for "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
  /** Types of $1, $2, ... ($n of unknown type is inferred from its first use). */
  readonly params: SqlType[];
  /** How many parameter values the statement was given (undefined while preparing). */
  readonly paramCount: number | undefined;
  /** Sequences for nextval / currval / setval, when the statement may call them. */
  readonly sequences: SequenceBinding | undefined;
}
