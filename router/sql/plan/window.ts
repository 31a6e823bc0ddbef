/**
 * Window function calls of a plan: the function (a window function or an aggregate used over a
 * window), its arguments, and the window (partition, order, frame).
 */
import type { Aggregate, WindowFunction } from '../functions/function-types.js';
import type { ScalarExpr, SortKey } from './scalar-expr.js';

export type FrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'preceding'; readonly offset: ScalarExpr }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'following'; readonly offset: ScalarExpr }
  | { readonly kind: 'unboundedFollowing' };

export interface WindowFrame {
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude: 'noOthers' | 'currentRow' | 'group' | 'ties';
}

export interface WindowCall {
  readonly fn: { readonly kind: 'window'; readonly impl: WindowFunction } | { readonly kind: 'aggregate'; readonly impl: Aggregate };
  readonly args: readonly ScalarExpr[];
  readonly partitionBy: readonly ScalarExpr[];
  readonly orderBy: readonly SortKey[];
  readonly frame: WindowFrame;
  /** FILTER (WHERE ...) of an aggregate used as a window function. */
  readonly filter?: ScalarExpr;
}
