/**
 * Name resolution scopes: the columns a query's FROM clause makes visible (with the table alias
 * each is reachable by), the enclosing query's scope for correlated references, and the WITH
 * queries in reach.
 */
import { PgError } from '../errors/pg-error.js';
import type { CteDefinition } from '../plan/rel-expr.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import type { SqlType } from '../types/sql-type.js';

export interface ScopeColumn {
  /** The alias of the FROM item that provides the column (undefined for unnamed subqueries). */
  readonly table: string | undefined;
  readonly name: string;
  readonly type: SqlType;
  /** Position in the row the scope's expressions are evaluated on. */
  readonly index: number;
  /** Not visible to unqualified names or `*` (the right copy of a USING column, a hidden rowid). */
  readonly qualifiedOnly: boolean;
  /** Left out of `*` (the hidden rowid). */
  readonly hiddenFromStar: boolean;
  /** An expression standing for the column (the merged column of FULL JOIN ... USING). */
  readonly expr?: ScalarExpr;
  readonly tableId?: number;
  readonly attnum?: number;
  /** The table's own name when the FROM item gave it an alias (for "invalid reference" errors). */
  readonly relation?: string;
  /** The attnums of the table's primary key: grouping by them determines every column. */
  readonly pkAttnums?: readonly number[];
}

export class Scope {
  constructor(
    readonly columns: readonly ScopeColumn[],
    readonly parent: Scope | undefined,
    readonly ctes: ReadonlyMap<string, CteDefinition>,
    /** The order `*` lists columns in, when it is not `columns`' order (USING joins). */
    readonly starOrder?: readonly ScopeColumn[],
  ) {}

  static empty(parent: Scope | undefined, ctes: ReadonlyMap<string, CteDefinition>): Scope {
    return new Scope([], parent, ctes);
  }

  private self(): Scope {
    return this;
  }

  findCte(name: string): CteDefinition | undefined {
    return this.ctes.get(name) ?? this.parent?.findCte(name);
  }

  hasTable(alias: string): boolean {
    return this.columns.some((c) => c.table === alias);
  }

  /** Columns matching a (possibly qualified) name in this scope only. */
  match(table: string | undefined, name: string): ScopeColumn[] {
    if (table === undefined) return this.columns.filter((c) => c.name === name && !c.qualifiedOnly);
    return this.columns.filter((c) => c.table === table && c.name === name);
  }

  /** Resolves a column: its scope depth (0 here, 1 the enclosing query...) and the column. */
  resolve(table: string | undefined, name: string, shown: string): { depth: number; column: ScopeColumn } {
    let scope: Scope | undefined = this.self();
    let depth = 0;
    let tableSeen = false;
    while (scope !== undefined) {
      const found = scope.match(table, name);
      if (found.length > 1) {
        const first = found[0];
        // A USING column reached unqualified is one column even though both sides carry it.
        if (!found.every((f) => f.expr !== undefined && f === first)) throw new PgError('42702', `column reference "${shown}" is ambiguous`);
      }
      const column = found[0];
      if (column !== undefined) return { depth, column };
      if (table !== undefined && scope.hasTable(table)) tableSeen = true;
      scope = scope.parent;
      depth++;
    }
    if (table !== undefined && !tableSeen) {
      if (this.columns.some((c) => c.relation === table && c.table !== table)) {
        const alias = this.columns.find((c) => c.relation === table)?.table ?? '';
        throw new PgError('42P01', `invalid reference to FROM-clause entry for table "${table}"`, {
          hint: `Perhaps you meant to reference the table alias "${alias}".`,
        });
      }
      throw new PgError('42P01', `missing FROM-clause entry for table "${table}"`);
    }
    throw new PgError('42703', `column ${shownColumn(table, name)} does not exist`);
  }

  starColumns(table: string | undefined): ScopeColumn[] {
    if (table !== undefined) {
      const columns = this.columns.filter((c) => c.table === table && !c.hiddenFromStar);
      if (columns.length === 0 && !this.hasTable(table)) throw new PgError('42P01', `missing FROM-clause entry for table "${table}"`);
      return columns;
    }
    return (this.starOrder ?? this.columns).filter((c) => !c.qualifiedOnly && !c.hiddenFromStar);
  }
}

function shownColumn(table: string | undefined, name: string): string {
  return table === undefined ? `"${name}"` : `${table}.${name}`;
}
