/**
 * Relational expressions of a logical plan. Each produces rows (arrays of values) with the
 * columns `columns` lists; scalar expressions inside refer to input rows by position.
 */
import type { TableDescriptor, IndexDescriptor } from '../catalog/descriptors.js';
import type { SetImpl } from '../functions/function-types.js';
import type { SqlType } from '../types/sql-type.js';
import type { AggregateCall, ScalarExpr, SortKey } from './scalar-expr.js';
import type { WindowCall } from './window.js';
import type { Datum } from '../../../storage/key-codec/datum.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
  /** The table and column the value comes straight from (RowDescription's table OID and attnum). */
  readonly tableId?: number;
  readonly columnAttnum?: number;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** How a scan reaches its rows: the whole primary index, or a span of an index by key prefix. */
export type ScanConstraint =
  | { readonly kind: 'full' }
  /** Rows whose index key starts with one of the value tuples (points or prefixes). */
  | { readonly kind: 'points'; readonly index: IndexDescriptor; readonly keys: readonly (readonly Datum[])[] };

export type RelExpr =
  | {
      readonly kind: 'scan';
      readonly columns: readonly OutputColumn[];
      readonly table: TableDescriptor;
      readonly constraint: ScanConstraint;
      /** Lock the rows read (SELECT FOR UPDATE, and UPDATE/DELETE's own reads). */
      readonly lockForUpdate: boolean;
      /** FOR SHARE / FOR KEY SHARE: a shared lock instead of an exclusive one. */
      readonly lockShared?: boolean;
      /** The name the FROM clause gives the table (FOR UPDATE OF names it). */
      readonly alias?: string;
    }
  | { readonly kind: 'values'; readonly columns: readonly OutputColumn[]; readonly rows: readonly (readonly ScalarExpr[])[] }
  | { readonly kind: 'filter'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly predicate: ScalarExpr }
  | { readonly kind: 'project'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly exprs: readonly ScalarExpr[] }
  | {
      readonly kind: 'join';
      readonly columns: readonly OutputColumn[];
      readonly joinType: JoinType;
      readonly left: RelExpr;
      readonly right: RelExpr;
      /** Evaluated on the concatenation of a left and a right row. */
      readonly on: ScalarExpr | undefined;
      /** LATERAL: the right side is evaluated per left row, which it sees as its outer row. */
      readonly lateral: boolean;
    }
  | {
      readonly kind: 'aggregate';
      readonly columns: readonly OutputColumn[];
      readonly input: RelExpr;
      /** Output: the group-by values, then the aggregates' values. */
      readonly groupBy: readonly ScalarExpr[];
      readonly aggregates: readonly AggregateCall[];
      /** Columns that the grouped primary key determines, taken from each group's first row. */
      readonly carried?: readonly ScalarExpr[];
      /** A query with aggregates and no GROUP BY yields one row even over no input. */
      readonly scalar: boolean;
    }
  | { readonly kind: 'window'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly calls: readonly WindowCall[] }
  | { readonly kind: 'sort'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly keys: readonly SortKey[] }
  | { readonly kind: 'limit'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly limit: ScalarExpr | undefined; readonly offset: ScalarExpr | undefined }
  /** DISTINCT (all columns) or DISTINCT ON (the first `onCount` of `keys`, input sorted on them). */
  | { readonly kind: 'distinct'; readonly columns: readonly OutputColumn[]; readonly input: RelExpr; readonly on: readonly ScalarExpr[] | undefined }
  | {
      readonly kind: 'setop';
      readonly columns: readonly OutputColumn[];
      readonly op: 'union' | 'intersect' | 'except';
      readonly all: boolean;
      readonly left: RelExpr;
      readonly right: RelExpr;
    }
  /** A WITH query's rows, computed once per statement and read by every reference. */
  | { readonly kind: 'cteRef'; readonly columns: readonly OutputColumn[]; readonly cte: CteDefinition }
  /** A set-returning function in FROM (generate_series, unnest, jsonb_each...). */
  | {
      readonly kind: 'srf';
      readonly columns: readonly OutputColumn[];
      readonly name: string;
      readonly impl: SetImpl;
      readonly args: readonly ScalarExpr[];
      readonly returnType: SqlType;
      /** Adds an ordinality column (WITH ORDINALITY). */
      readonly ordinality: boolean;
      /** For functions returning records: each value's fields become that many columns. */
      readonly fieldCount?: number;
    };

export interface CteDefinition {
  readonly name: string;
  /** Filled once the definition is analysed; recursive CTEs fill `recursive` too. */
  plan: RelExpr | undefined;
  recursive: { readonly initial: RelExpr; readonly step: RelExpr; readonly all: boolean } | undefined;
  columns: readonly OutputColumn[];
  readonly id: number;
}
