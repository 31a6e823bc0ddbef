/**
 * Catalog descriptors: what the catalog knows about databases, schemas and tables. Each is stored
 * as one versioned record in the system descriptor table (catalog-store.ts); the version goes up
 * by one on every change, so a cache keyed by id and version never serves a stale descriptor.
 * Expressions (defaults, CHECK constraints, partial-index predicates) are kept as parsed trees of
 * PostgreSQL's grammar, re-analysed where they are used.
 */
import type { Node } from '@pgsql/types';
import type { SqlType } from '../types/sql-type.js';

export type DescriptorId = number;

export interface DatabaseDescriptor {
  readonly kind: 'database';
  readonly id: DescriptorId;
  readonly version: number;
  readonly name: string;
}

export interface SchemaDescriptor {
  readonly kind: 'schema';
  readonly id: DescriptorId;
  readonly version: number;
  readonly name: string;
  readonly databaseId: DescriptorId;
}

export interface ColumnDescriptor {
  /** Stable for the column's life: row values are tagged by it, so renames rewrite nothing. */
  readonly id: number;
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly defaultExpr?: Node;
  /** The hidden row id of a table declared without a primary key: not in SELECT *. */
  readonly hidden: boolean;
  /** GENERATED ALWAYS AS IDENTITY: explicit values are refused without OVERRIDING SYSTEM VALUE. */
  readonly identity?: 'always' | 'byDefault';
}

export type IndexDirection = 'asc' | 'desc';

export interface IndexDescriptor {
  readonly id: number;
  readonly name: string;
  readonly columnIds: readonly number[];
  readonly directions: readonly IndexDirection[];
  readonly unique: boolean;
  /** A partial index holds only the rows satisfying this predicate. */
  readonly predicate?: Node;
}

export interface CheckConstraint {
  readonly name: string;
  readonly expr: Node;
  /** Added NOT VALID: new rows are checked, existing ones not until VALIDATE CONSTRAINT. */
  readonly notValid?: boolean;
}

export type ReferentialAction = 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';

/** A FOREIGN KEY of the table that holds it (the referencing table). */
export interface ForeignKeyConstraint {
  readonly name: string;
  readonly columnIds: readonly number[];
  readonly referencedTableId: DescriptorId;
  readonly referencedColumnIds: readonly number[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
}

export interface TableDescriptor {
  readonly kind: 'table';
  readonly id: DescriptorId;
  readonly version: number;
  readonly name: string;
  readonly databaseId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly columns: readonly ColumnDescriptor[];
  readonly nextColumnId: number;
  /** Index id 1: the row's home. Its key columns are the primary key (or the hidden rowid). */
  readonly primaryIndex: IndexDescriptor;
  readonly indexes: readonly IndexDescriptor[];
  readonly nextIndexId: number;
  readonly checks: readonly CheckConstraint[];
  readonly foreignKeys?: readonly ForeignKeyConstraint[];
  /** Tables whose foreign keys reference this one (their checks run when this table's rows change). */
  readonly referencedBy?: readonly DescriptorId[];
  /** Columns dropped from the table: rows written before the drop still hold their values. */
  readonly droppedColumns?: readonly { readonly id: number; readonly type: SqlType }[];
}

/**
 * A sequence (CREATE SEQUENCE, serial and identity columns). Bounds are int8 texts (JSON has no
 * bigint). Its value lives apart from the descriptor, since nextval never waits for transactions.
 */
export interface SequenceDescriptor {
  readonly kind: 'sequence';
  readonly id: DescriptorId;
  readonly version: number;
  readonly name: string;
  readonly databaseId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly increment: string;
  readonly minValue: string;
  readonly maxValue: string;
  readonly start: string;
  readonly cycle: boolean;
  /** The column of a serial or identity column, dropped with its table. */
  readonly ownedBy?: { readonly tableId: DescriptorId; readonly columnId: number };
}

/** A view: its query, analysed anew wherever the view is read, and its column names. */
export interface ViewDescriptor {
  readonly kind: 'view';
  readonly id: DescriptorId;
  readonly version: number;
  readonly name: string;
  readonly databaseId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly query: Node;
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly SqlType[];
  /** Tables and views the query reads: they cannot be dropped while the view exists. */
  readonly dependsOn: readonly DescriptorId[];
  /** WITH CHECK OPTION: rows written through the view must satisfy its WHERE. */
  readonly checkOption?: boolean;
}

export type Descriptor = DatabaseDescriptor | SchemaDescriptor | TableDescriptor | SequenceDescriptor | ViewDescriptor;

export const PRIMARY_INDEX_ID = 1;

export function columnById(table: TableDescriptor, id: number): ColumnDescriptor {
  const column = table.columns.find((c) => c.id === id);
  if (column === undefined) throw new Error(`column ${id} of table ${table.name} does not exist`);
  return column;
}

/** The position of a column in a full row of the table (rows hold every column, hidden ones too). */
export function columnOrdinal(table: TableDescriptor, id: number): number {
  const ordinal = table.columns.findIndex((c) => c.id === id);
  if (ordinal < 0) throw new Error(`column ${id} of table ${table.name} does not exist`);
  return ordinal;
}
