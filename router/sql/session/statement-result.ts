/**
 * What a statement answers: result columns as the wire protocol's RowDescription describes them,
 * rows of values, PostgreSQL's command tag and the notices raised on the way.
 */
import type { PgError } from '../errors/pg-error.js';
import type { TypeContext } from '../types/type-context.js';
import { formatNullable } from '../types/io/value-io.js';
import type { Value } from '../types/value.js';

export interface ResultColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  /** The table a column comes straight from (its descriptor id) and the column's 1-based number. */
  readonly tableOid?: number;
  readonly columnAttnum?: number;
}

export interface Notice {
  readonly severity: 'NOTICE' | 'WARNING';
  readonly code: string;
  readonly message: string;
}

export interface StatementResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Value[])[];
  readonly commandTag: string;
  readonly notices: readonly Notice[];
}

export type StatementOutcome =
  | { readonly kind: 'ok'; readonly result: StatementResult }
  | { readonly kind: 'error'; readonly error: PgError; readonly notices: readonly Notice[] };

/** A row in PostgreSQL's text output format (null for SQL NULL). */
export function formatRow(columns: readonly ResultColumn[], row: readonly Value[], ctx: TypeContext): (string | null)[] {
  return columns.map((c, i) => formatNullable(row[i] ?? null, { oid: c.typeOid, typmod: c.typmod }, ctx));
}
