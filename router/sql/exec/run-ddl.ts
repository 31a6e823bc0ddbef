/**
 * Schema changes: CREATE / DROP of databases, schemas, tables and indexes, and TRUNCATE. Each
 * writes descriptors and names in the statement's transaction, so DDL commits or rolls back with
 * the transaction around it.
 */
import type {
  ColumnDef, Constraint, CreatedbStmt, CreateTableAsStmt, CreateSchemaStmt, CreateStmt, DropdbStmt, DropStmt, IndexElem, IndexStmt, Node, TruncateStmt,
} from '@pgsql/types';
import { indexSpan, tableSpan } from '../../../storage/keys.js';
import {
  PRIMARY_INDEX_ID, type CheckConstraint, type ColumnDescriptor, type ForeignKeyConstraint, type ReferentialAction, type IndexDescriptor, type SchemaDescriptor, type TableDescriptor,
} from '../catalog/descriptors.js';
import { ObjectInUse } from '../session/pending-sqlstates.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import { keyDatumType } from '../rowcodec/datum-type.js';
import { indexKeyColumns, secondaryIndexEntry } from '../rowcodec/index-key.js';
import { bindTableBinding } from '../semantic/bind-dml.js';
import { bindExpr, coerce, nodeKind, stringsOf, typeFromTypeName } from '../semantic/bind-scalar.js';
import { Scope } from '../semantic/scope.js';
import { loadTable, loadView, prefetchTables } from '../semantic/table-prefetch.js';
import { dropSequence, dropSequenceNamed, sequenceFromOptions } from './sequence-ddl.js';
import { dropDependentViews, dropViewNamed } from './view-ddl.js';
import type { StatementContext } from '../session/statement-context.js';
import type { StatementResult } from '../session/statement-result.js';
import { T } from '../types/sql-type.js';
import { formatType } from '../types/typmod.js';
import { binderFor, planQuery, runPlans } from './run-query.js';
import { insertRow } from './row-writer.js';
import { Oid } from '../types/oids.js';
import { evalScalar } from './eval-scalar.js';
import { makeRunEnv } from './run-rel.js';
import { readAllRows } from './table-reader.js';
import { formatNullable } from '../types/io/value-io.js';
import type { Value } from '../types/value.js';
import { typeCategory } from '../types/type-registry.js';

function done(ctx: StatementContext, commandTag: string): StatementResult {
  return { columns: [], rows: [], commandTag, notices: ctx.notices };
}

function notice(ctx: StatementContext, message: string, code = '00000'): void {
  ctx.notices.push({ severity: 'NOTICE', code, message });
}

async function targetSchema(ctx: StatementContext, schemaName: string | undefined): Promise<SchemaDescriptor> {
  if (schemaName !== undefined) {
    const schema = await ctx.catalog.schema(ctx.databaseId, schemaName);
    if (schema === undefined) throw new PgError('3F000', `schema "${schemaName}" does not exist`);
    return schema;
  }
  const first = ctx.searchPath[0];
  if (first === undefined) throw new PgError('3F000', 'no schema has been selected to create in');
  return { kind: 'schema', id: first.id, version: 0, name: first.name, databaseId: ctx.databaseId };
}

const serialTypes: Record<string, typeof T.int4> = { serial: T.int4, serial4: T.int4, bigserial: T.int8, serial8: T.int8, smallserial: T.int2, serial2: T.int2 };

interface TableBuilder {
  readonly tableName: string;
  columns: ColumnDescriptor[];
  primaryKey: { names: string[]; name: string | undefined } | undefined;
  uniques: { names: string[]; name: string | undefined }[];
  checks: { expr: Node; name: string | undefined; column: string | undefined }[];
  /** Serial and identity columns, whose sequences are made with the table. */
  sequences: { column: string; options: Node[] | undefined }[];
  foreignKeys: { columns: string[]; constraint: Constraint }[];
}

function addColumn(def: ColumnDef, builder: TableBuilder): void {
  const name = def.colname ?? '';
  if (builder.columns.some((c) => c.name === name)) throw new PgError('42701', `column "${name}" specified more than once`);
  if (def.typeName === undefined) throw new PgError('42601', `column "${name}" has no type`);
  const typeNames = stringsOf(def.typeName.names);
  const serial = typeNames.length === 1 ? serialTypes[typeNames[0] ?? ''] : undefined;
  const type = serial ?? typeFromTypeName(def.typeName);
  let nullable = serial === undefined;
  let defaultExpr: Node | undefined;
  let identity: 'always' | 'byDefault' | undefined;
  if (serial !== undefined) builder.sequences.push({ column: name, options: undefined });
  for (const node of def.constraints ?? []) {
    const c = nodeKind(node)[1] as Constraint;
    switch (c.contype) {
      case 'CONSTR_NOTNULL': nullable = false; break;
      case 'CONSTR_NULL': break;
      // Constraints are checked at once; DEFERRABLE is accepted and checked immediately.
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED':
      case 'CONSTR_ATTR_IMMEDIATE':
        break;
      case 'CONSTR_DEFAULT': defaultExpr = c.raw_expr; break;
      case 'CONSTR_PRIMARY':
        if (builder.primaryKey !== undefined) throw new PgError('42P16', `multiple primary keys for table are not allowed`);
        builder.primaryKey = { names: [name], name: c.conname };
        break;
      case 'CONSTR_UNIQUE': builder.uniques.push({ names: [name], name: c.conname }); break;
      case 'CONSTR_CHECK': if (c.raw_expr !== undefined) builder.checks.push({ expr: c.raw_expr, name: c.conname, column: name }); break;
      case 'CONSTR_FOREIGN': builder.foreignKeys.push({ columns: [name], constraint: c }); break;
      case 'CONSTR_IDENTITY':
        identity = c.generated_when === 'a' ? 'always' : 'byDefault';
        nullable = false;
        builder.sequences.push({ column: name, options: c.options });
        break;
      case 'CONSTR_GENERATED':
        throw unsupported('generated columns');
      default: throw unsupported(`column constraint ${String(c.contype)}`);
    }
  }
  if (identity !== undefined && defaultExpr !== undefined) {
    throw new PgError('42601', `both default and identity specified for column "${name}" of table "${builder.tableName}"`);
  }
  builder.columns.push({
    id: builder.columns.length + 1, name, type, nullable, hidden: false,
    ...(defaultExpr === undefined ? {} : { defaultExpr }), ...(identity === undefined ? {} : { identity }),
  });
}

function addTableConstraint(c: Constraint, builder: TableBuilder): void {
  const names = stringsOf(c.keys);
  switch (c.contype) {
    case 'CONSTR_PRIMARY':
      if (builder.primaryKey !== undefined) throw new PgError('42P16', `multiple primary keys for table are not allowed`);
      builder.primaryKey = { names, name: c.conname };
      break;
    case 'CONSTR_UNIQUE': builder.uniques.push({ names, name: c.conname }); break;
    case 'CONSTR_CHECK': if (c.raw_expr !== undefined) builder.checks.push({ expr: c.raw_expr, name: c.conname, column: undefined }); break;
    case 'CONSTR_FOREIGN': builder.foreignKeys.push({ columns: stringsOf(c.fk_attrs), constraint: c }); break;
    case 'CONSTR_ATTR_DEFERRABLE':
    case 'CONSTR_ATTR_NOT_DEFERRABLE':
    case 'CONSTR_ATTR_DEFERRED':
    case 'CONSTR_ATTR_IMMEDIATE':
      break;
    default: throw unsupported(`table constraint ${String(c.contype)}`);
  }
}

/** An explicitly named constraint must be new to the table (42710). */
function claimName(name: string | undefined, taken: Set<string>, table: string): void {
  if (name === undefined) return;
  if (taken.has(name)) throw new PgError('42710', `constraint "${name}" for relation "${table}" already exists`);
  taken.add(name);
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

function columnIdsOf(names: readonly string[], columns: readonly ColumnDescriptor[], what: string): number[] {
  return names.map((n) => {
    const column = columns.find((c) => c.name === n);
    if (column === undefined) throw new PgError('42703', `column "${n}" named in ${what} does not exist`);
    if (keyDatumType(column.type.oid) === undefined) {
      throw new PgError('42704', `data type ${formatType(column.type)} has no default operator class for access method "btree"`);
    }
    return column.id;
  });
}

/** CREATE TABLE ... AS query: a table with the query's columns (and a hidden row id), filled with its rows. */
export async function createTableAs(ctx: StatementContext, stmt: CreateTableAsStmt): Promise<StatementResult> {
  if (stmt.objtype !== 'OBJECT_TABLE') throw unsupported('CREATE MATERIALIZED VIEW');
  const relation = stmt.into?.rel;
  const name = relation?.relname ?? '';
  const schema = await targetSchema(ctx, relation?.schemaname);
  if ((await ctx.catalog.lookupName(ctx.databaseId, schema.id, name)) !== undefined) {
    if (stmt.if_not_exists === true) {
      notice(ctx, `relation "${name}" already exists, skipping`, '42P07');
      return done(ctx, 'CREATE TABLE AS');
    }
    throw new PgError('42P07', `relation "${name}" already exists`);
  }
  if (stmt.query === undefined) throw new PgError('XX000', 'CREATE TABLE AS without a query');
  const plan = await planQuery(ctx, stmt.query);
  const names = stringsOf(stmt.into?.colNames);
  if (names.length > plan.columns.length) throw new PgError('42601', 'too many column names were specified');
  const columns: ColumnDescriptor[] = plan.columns.map((c, i) => ({
    id: i + 1, name: names[i] ?? c.name, type: c.type.oid === Oid.unknown ? T.text : c.type, nullable: true, hidden: false,
  }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new PgError('42701', `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  const rowIdColumn = columns.length + 1;
  columns.push({ id: rowIdColumn, name: 'rowid', type: T.int8, nullable: false, hidden: true });
  const id = await ctx.catalog.allocateId();
  const table: TableDescriptor = {
    kind: 'table', id, version: 0, name, databaseId: ctx.databaseId, schemaId: schema.id, columns, nextColumnId: columns.length + 1,
    primaryIndex: { id: PRIMARY_INDEX_ID, name: `${name}_pkey`, columnIds: [rowIdColumn], directions: ['asc'], unique: true },
    indexes: [], nextIndexId: PRIMARY_INDEX_ID + 1, checks: [],
  };
  await ctx.catalog.writeDescriptor(table);
  await ctx.catalog.addName(ctx.databaseId, schema.id, name, id);
  const [rows = []] = await runPlans(ctx, [plan]);
  const w = { table, checks: [], predicates: new Map(), env: makeRunEnv(ctx.evalCtx, new Map(), []), typeCtx: ctx.evalCtx };
  if (stmt.into?.skipData !== true) {
    for (const row of rows) await insertRow(ctx.txn, [...row, ctx.allocateRowId()], w);
  }
  ctx.tables.clear();
  return done(ctx, `SELECT ${stmt.into?.skipData === true ? 0 : rows.length}`);
}

export async function createTable(ctx: StatementContext, stmt: CreateStmt): Promise<StatementResult> {
  const name = stmt.relation?.relname ?? '';
  const schema = await targetSchema(ctx, stmt.relation?.schemaname);
  if ((await ctx.catalog.lookupName(ctx.databaseId, schema.id, name)) !== undefined) {
    if (stmt.if_not_exists === true) {
      notice(ctx, `relation "${name}" already exists, skipping`, '42P07');
      return done(ctx, 'CREATE TABLE');
    }
    throw new PgError('42P07', `relation "${name}" already exists`);
  }
  const builder: TableBuilder = { tableName: name, columns: [], primaryKey: undefined, uniques: [], checks: [], sequences: [], foreignKeys: [] };
  for (const element of stmt.tableElts ?? []) {
    const [kind, body] = nodeKind(element);
    if (kind === 'ColumnDef') addColumn(body as ColumnDef, builder);
    else if (kind === 'Constraint') addTableConstraint(body as Constraint, builder);
    else throw unsupported(`table element ${kind}`);
  }
  const taken = new Set<string>();
  const explicit = new Set<string>();
  for (const c of builder.checks) {
    if (c.name !== undefined && explicit.has(c.name)) throw new PgError('42710', `check constraint "${c.name}" already exists`);
    claimName(c.name, explicit, name);
  }
  for (const c of [...builder.uniques, ...(builder.primaryKey === undefined ? [] : [builder.primaryKey])]) claimName(c.name, explicit, name);
  let primaryIndex: IndexDescriptor;
  if (builder.primaryKey !== undefined) {
    const ids = columnIdsOf(builder.primaryKey.names, builder.columns, 'key');
    builder.columns = builder.columns.map((c) => (ids.includes(c.id) ? { ...c, nullable: false } : c));
    primaryIndex = { id: PRIMARY_INDEX_ID, name: uniqueName(builder.primaryKey.name ?? `${name}_pkey`, taken), columnIds: ids, directions: ids.map(() => 'asc'), unique: true };
  } else {
    const id = builder.columns.length + 1;
    builder.columns.push({ id, name: 'rowid', type: T.int8, nullable: false, hidden: true });
    primaryIndex = { id: PRIMARY_INDEX_ID, name: uniqueName(`${name}_pkey`, taken), columnIds: [id], directions: ['asc'], unique: true };
  }
  const indexes: IndexDescriptor[] = builder.uniques.map((u, i) => {
    const ids = columnIdsOf(u.names, builder.columns, 'key');
    return { id: PRIMARY_INDEX_ID + 1 + i, name: uniqueName(u.name ?? `${name}_${u.names.join('_')}_key`, taken), columnIds: ids, directions: ids.map(() => 'asc'), unique: true };
  });
  const checks: CheckConstraint[] = builder.checks.map((c) => ({
    name: uniqueName(c.name ?? (c.column === undefined ? `${name}_check` : `${name}_${c.column}_check`), taken), expr: c.expr,
  }));
  const id = await ctx.catalog.allocateId();
  for (const { column: columnName, options } of builder.sequences) {
    const column = builder.columns.find((c) => c.name === columnName);
    if (column === undefined) continue;
    const seqName = `${name}_${columnName}_seq`;
    const seqId = await ctx.catalog.allocateId();
    const seq = sequenceFromOptions(options, {
      id: seqId, name: seqName, databaseId: ctx.databaseId, schemaId: schema.id, typeOid: column.type.oid, ownedBy: { tableId: id, columnId: column.id },
    });
    await ctx.catalog.writeDescriptor(seq);
    await ctx.catalog.addName(ctx.databaseId, schema.id, seqName, seqId);
    ctx.sequenceRuntime.forget(seqId);
    const defaultExpr: Node = { FuncCall: { funcname: [{ String: { sval: 'nextval' } }], args: [{ A_Const: { sval: { sval: seqName } } }] } } as Node;
    builder.columns = builder.columns.map((c) => (c === column ? { ...c, defaultExpr } : c));
  }
  ctx.sequences.clear();
  let table: TableDescriptor = {
    kind: 'table', id, version: 0, name, databaseId: ctx.databaseId, schemaId: schema.id, columns: builder.columns,
    nextColumnId: builder.columns.length + 1, primaryIndex, indexes, nextIndexId: PRIMARY_INDEX_ID + 1 + indexes.length, checks,
  };
  const foreignKeys: ForeignKeyConstraint[] = [];
  for (const fk of builder.foreignKeys) {
    const made = await foreignKeyOf(ctx, table, fk.columns, fk.constraint, taken);
    foreignKeys.push(made.fk);
    if (made.parent !== undefined) table = { ...table, foreignKeys: [...foreignKeys] };
  }
  table = { ...table, foreignKeys };
  if (foreignKeys.some((f) => f.referencedTableId === id)) table = { ...table, referencedBy: [id] };
  await prefetchTables(ctx, { columns: table.columns.map((c) => c.defaultExpr ?? null) });
  validateTable(ctx, table);
  await ctx.catalog.writeDescriptor(table);
  await ctx.catalog.addName(ctx.databaseId, schema.id, name, id);
  ctx.tables.clear();
  return done(ctx, 'CREATE TABLE');
}

const actions: Record<string, ReferentialAction> = { a: 'noAction', r: 'restrict', c: 'cascade', n: 'setNull', d: 'setDefault' };

/**
 * Builds a foreign key of `table` and records it on the referenced table, whose key columns must
 * be its primary key or a unique constraint (42830).
 */
export async function foreignKeyOf(ctx: StatementContext, table: TableDescriptor, columns: readonly string[], c: Constraint, taken: Set<string>): Promise<{ fk: ForeignKeyConstraint; parent: TableDescriptor | undefined }> {
  const refName = c.pktable?.relname ?? '';
  const selfReference = refName === table.name && (c.pktable?.schemaname === undefined);
  const parent = selfReference ? table : await loadTable(ctx, c.pktable?.schemaname, refName);
  if (parent === undefined) throw new PgError('42P01', `relation "${refName}" does not exist`);
  const columnIds = columns.map((n) => {
    const column = table.columns.find((col) => col.name === n && !col.hidden);
    if (column === undefined) throw new PgError('42703', `column "${n}" referenced in foreign key constraint does not exist`);
    return column.id;
  });
  const refNames = stringsOf(c.pk_attrs);
  const referencedColumnIds = refNames.length === 0
    ? parent.primaryIndex.columnIds.filter((id) => !parent.columns.find((col) => col.id === id)?.hidden)
    : refNames.map((n) => {
      const column = parent.columns.find((col) => col.name === n && !col.hidden);
      if (column === undefined) throw new PgError('42703', `column "${n}" referenced in foreign key constraint does not exist`);
      return column.id;
    });
  if (referencedColumnIds.length === 0) throw new PgError('42830', `there is no primary key for referenced table "${parent.name}"`);
  if (referencedColumnIds.length !== columnIds.length) throw new PgError('42830', 'number of referencing and referenced columns for foreign key disagree');
  const unique = [parent.primaryIndex, ...parent.indexes].some((i) => i.unique && i.predicate === undefined &&
    i.columnIds.length === referencedColumnIds.length && i.columnIds.every((id) => referencedColumnIds.includes(id)));
  if (!unique) throw new PgError('42830', `there is no unique constraint matching given keys for referenced table "${parent.name}"`);
  const name = uniqueName(c.conname ?? `${table.name}_${columns.join('_')}_fkey`, taken);
  columnIds.forEach((id, i) => {
    const child = table.columns.find((col) => col.id === id);
    const ref = parent.columns.find((col) => col.id === referencedColumnIds[i]);
    if (child === undefined || ref === undefined) return;
    const compatible = child.type.oid === ref.type.oid || (typeCategory(child.type.oid) === typeCategory(ref.type.oid) && typeCategory(child.type.oid) !== 'U');
    if (!compatible) {
      throw new PgError('42804', `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${child.name}" and "${ref.name}" are of incompatible types: ${formatType({ oid: child.type.oid, typmod: -1 })} and ${formatType({ oid: ref.type.oid, typmod: -1 })}.`,
      });
    }
  });
  const fk: ForeignKeyConstraint = {
    name, columnIds, referencedTableId: parent.id, referencedColumnIds,
    onDelete: actions[c.fk_del_action ?? 'a'] ?? 'noAction', onUpdate: actions[c.fk_upd_action ?? 'a'] ?? 'noAction',
  };
  if (!selfReference && !(parent.referencedBy ?? []).includes(table.id)) {
    await ctx.catalog.writeDescriptor({ ...parent, referencedBy: [...(parent.referencedBy ?? []), table.id] });
  }
  return { fk, parent: selfReference ? undefined : parent };
}

/** Binds defaults and CHECK expressions once, so that a bad one fails CREATE TABLE itself. */
function validateTable(ctx: StatementContext, table: TableDescriptor): void {
  const binder = binderFor(ctx);
  for (const column of table.columns) {
    if (column.defaultExpr === undefined) continue;
    const text = JSON.stringify(column.defaultExpr);
    if (text.includes('"SubLink"')) throw new PgError('0A000', 'cannot use subquery in DEFAULT expression');
    if (text.includes('"ColumnRef"')) throw new PgError('0A000', 'cannot use column reference in DEFAULT expression');
    const bctx = binder.context(Scope.empty(undefined, new Map()), 'DEFAULT expressions');
    const expr = bindExpr(column.defaultExpr, bctx);
    try {
      coerce(expr, column.type, 'assignment', bctx);
    } catch (err) {
      if (err instanceof PgError && err.code === '42846') {
        throw new PgError('42804', `column "${column.name}" is of type ${formatType({ oid: column.type.oid, typmod: -1 })} but default expression is of type ${formatType(expr.type)}`, {
          hint: 'You will need to rewrite or cast the expression.',
        });
      }
      throw err;
    }
  }
  for (const check of table.checks) {
    if (JSON.stringify(check.expr).includes('"SubLink"')) throw new PgError('0A000', 'cannot use subquery in check constraint');
  }
  bindTableBinding(table, binder);
}

async function dropTableNamed(ctx: StatementContext, names: readonly string[], missingOk: boolean, cascade = false, dropping: ReadonlySet<string> = new Set()): Promise<boolean> {
  const name = names.at(-1) ?? '';
  const schemaName = names.length > 1 ? names[names.length - 2] : undefined;
  const table = await loadTable(ctx, schemaName, name);
  if (table === undefined) {
    if ((await loadView(ctx, schemaName, name)) !== undefined) {
      throw new PgError('42809', `"${name}" is not a table`, { hint: 'Use DROP VIEW to remove a view.' });
    }
    if (!missingOk) throw new PgError('42P01', `table "${name}" does not exist`);
    notice(ctx, `table "${name}" does not exist, skipping`);
    return false;
  }
  for (const childId of table.referencedBy ?? []) {
    if (childId === table.id) continue;
    const child = await ctx.catalog.descriptor(childId);
    if (child?.kind !== 'table') continue;
    if (dropping.has(child.name)) continue;
    if (!cascade) {
      const fkName = child.foreignKeys?.find((f) => f.referencedTableId === table.id)?.name ?? '';
      throw new PgError('2BP01', `cannot drop table ${table.name} because other objects depend on it`, {
        detail: `constraint ${fkName} on table ${child.name} depends on table ${table.name}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    notice(ctx, `drop cascades to constraint ${child.foreignKeys?.find((f) => f.referencedTableId === table.id)?.name ?? ''} on table ${child.name}`);
    await ctx.catalog.writeDescriptor({ ...child, foreignKeys: (child.foreignKeys ?? []).filter((f) => f.referencedTableId !== table.id) });
  }
  await dropDependentViews(ctx, table.id, `table ${table.name}`, cascade);
  for (const fk of table.foreignKeys ?? []) {
    if (fk.referencedTableId === table.id) continue;
    const parent = await ctx.catalog.descriptor(fk.referencedTableId);
    if (parent?.kind === 'table') await ctx.catalog.writeDescriptor({ ...parent, referencedBy: (parent.referencedBy ?? []).filter((id) => id !== table.id) });
  }
  await ctx.catalog.removeName(table.databaseId, table.schemaId, table.name);
  await ctx.catalog.deleteDescriptor(table.id);
  for (const { id } of await ctx.catalog.namesUnder(table.databaseId, table.schemaId)) {
    const d = await ctx.catalog.descriptor(id);
    if (d?.kind === 'sequence' && d.ownedBy?.tableId === table.id) await dropSequence(ctx, d);
  }
  const span = tableSpan(table.id);
  await ctx.txn.delRange(span.start, span.end);
  return true;
}

export async function drop(ctx: StatementContext, stmt: DropStmt): Promise<StatementResult> {
  const missingOk = stmt.missing_ok === true;
  const objects = (stmt.objects ?? []).map((o) => {
    const [kind, body] = nodeKind(o);
    if (kind === 'List') return stringsOf((body as { items?: Node[] }).items);
    if (kind === 'String') return [(body as { sval?: string }).sval ?? ''];
    throw unsupported(`DROP of ${kind}`);
  });
  ctx.tables.clear();
  switch (stmt.removeType) {
    case 'OBJECT_TABLE':
      for (const names of objects) {
        await dropTableNamed(ctx, names, missingOk, stmt.behavior === 'DROP_CASCADE', new Set(objects.map((o) => o.at(-1) ?? '')));
      }
      return done(ctx, 'DROP TABLE');
    case 'OBJECT_INDEX':
      for (const names of objects) await dropIndexNamed(ctx, names, missingOk);
      return done(ctx, 'DROP INDEX');
    case 'OBJECT_VIEW':
      for (const names of objects) await dropViewNamed(ctx, names, missingOk, stmt.behavior === 'DROP_CASCADE');
      return done(ctx, 'DROP VIEW');
    case 'OBJECT_SEQUENCE':
      for (const names of objects) await dropSequenceNamed(ctx, names, missingOk, stmt.behavior === 'DROP_CASCADE');
      return done(ctx, 'DROP SEQUENCE');
    case 'OBJECT_SCHEMA':
      for (const names of objects) await dropSchemaNamed(ctx, names[0] ?? '', missingOk, stmt.behavior === 'DROP_CASCADE');
      return done(ctx, 'DROP SCHEMA');
    default:
      throw unsupported(`DROP ${String(stmt.removeType).replace('OBJECT_', '')}`);
  }
}

async function tablesOfSchema(ctx: StatementContext, schemaId: number): Promise<TableDescriptor[]> {
  const out: TableDescriptor[] = [];
  for (const { id } of await ctx.catalog.namesUnder(ctx.databaseId, schemaId)) {
    const d = await ctx.catalog.descriptor(id);
    if (d?.kind === 'table') out.push(d);
  }
  return out;
}

async function findIndex(ctx: StatementContext, schemaName: string | undefined, name: string): Promise<{ table: TableDescriptor; index: IndexDescriptor } | undefined> {
  const schemas = schemaName === undefined ? ctx.searchPath : [await targetSchema(ctx, schemaName)];
  for (const schema of schemas) {
    for (const table of await tablesOfSchema(ctx, schema.id)) {
      const index = table.indexes.find((i) => i.name === name);
      if (index !== undefined) return { table, index };
    }
  }
  return undefined;
}

async function dropIndexNamed(ctx: StatementContext, names: readonly string[], missingOk: boolean): Promise<void> {
  const name = names.at(-1) ?? '';
  const found = await findIndex(ctx, names.length > 1 ? names[names.length - 2] : undefined, name);
  if (found === undefined) {
    for (const schema of ctx.searchPath) {
      for (const table of await tablesOfSchema(ctx, schema.id)) {
        if (table.primaryIndex.name === name) {
          throw new PgError('2BP01', `cannot drop index ${name} because constraint ${name} on table ${table.name} requires it`, {
            hint: `You can drop constraint ${name} on table ${table.name} instead.`,
          });
        }
      }
    }
    if (!missingOk) throw new PgError('42704', `index "${name}" does not exist`);
    notice(ctx, `index "${name}" does not exist, skipping`);
    return;
  }
  const span = indexSpan(found.table.id, found.index.id);
  await ctx.txn.delRange(span.start, span.end);
  await ctx.catalog.writeDescriptor({ ...found.table, indexes: found.table.indexes.filter((i) => i !== found.index) });
}

async function dropSchemaNamed(ctx: StatementContext, name: string, missingOk: boolean, cascade: boolean): Promise<void> {
  const schema = await ctx.catalog.schema(ctx.databaseId, name);
  if (schema === undefined) {
    if (!missingOk) throw new PgError('3F000', `schema "${name}" does not exist`);
    notice(ctx, `schema "${name}" does not exist, skipping`);
    return;
  }
  const tables = await tablesOfSchema(ctx, schema.id);
  if (tables.length > 0 && !cascade) {
    throw new PgError('2BP01', `cannot drop schema ${name} because other objects depend on it`, {
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  for (const table of tables) await dropTableNamed(ctx, [name, table.name], true, true, new Set(tables.map((t) => t.name)));
  await ctx.catalog.removeName(ctx.databaseId, 0, name);
  await ctx.catalog.deleteDescriptor(schema.id);
}

export async function createIndex(ctx: StatementContext, stmt: IndexStmt): Promise<StatementResult> {
  const relation = stmt.relation;
  const table = await loadTable(ctx, relation?.schemaname, relation?.relname ?? '');
  if (table === undefined) throw new PgError('42P01', `relation "${relation?.relname ?? ''}" does not exist`);
  const elems = (stmt.indexParams ?? []).map((p) => nodeKind(p)[1] as IndexElem);
  const names = elems.map((e) => {
    if (e.name === undefined) throw unsupported('indexes on expressions');
    return e.name;
  });
  const columnIds = columnIdsOf(names, table.columns.filter((c) => !c.hidden), 'key');
  const taken = new Set([table.primaryIndex.name, ...table.indexes.map((i) => i.name)]);
  const requested = stmt.idxname;
  if (requested !== undefined && (taken.has(requested) || (await ctx.catalog.lookupName(ctx.databaseId, table.schemaId, requested)) !== undefined)) {
    if (stmt.if_not_exists === true) {
      notice(ctx, `relation "${requested}" already exists, skipping`, '42P07');
      return done(ctx, 'CREATE INDEX');
    }
    throw new PgError('42P07', `relation "${requested}" already exists`);
  }
  const name = requested ?? uniqueName(`${table.name}_${names.join('_')}_idx`, taken);
  const index: IndexDescriptor = {
    id: table.nextIndexId, name, columnIds, directions: elems.map((e) => (e.ordering === 'SORTBY_DESC' ? 'desc' : 'asc')),
    unique: stmt.unique === true, ...(stmt.whereClause === undefined ? {} : { predicate: stmt.whereClause }),
  };
  await prefetchTables(ctx, { columns: table.columns.map((c) => c.defaultExpr ?? null) });
  const updated: TableDescriptor = { ...table, indexes: [...table.indexes, index], nextIndexId: table.nextIndexId + 1 };
  indexKeyColumns(updated, index);
  await createIndexOn(ctx, updated, index);
  await ctx.catalog.writeDescriptor(updated);
  ctx.tables.clear();
  return done(ctx, 'CREATE INDEX');
}

/** Writes the entries of a new index for the table's rows (`rows` when the caller has them). */
export async function createIndexOn(ctx: StatementContext, table: TableDescriptor, index: IndexDescriptor, rows?: readonly Value[][]): Promise<void> {
  const binding = bindTableBinding(table, binderFor(ctx));
  const predicate = binding.predicates.get(index.id);
  const env = makeRunEnv(ctx.evalCtx, new Map(), []);
  for (const row of rows ?? (await readAllRows(ctx.txn, table)).map((r) => r.row)) {
    if (predicate !== undefined && evalScalar(predicate, row, env) !== true) continue;
    const entry = secondaryIndexEntry(table, index, row);
    if (entry.unique) {
      if (!(await ctx.txn.putIfAbsent(entry.key, entry.value))) {
        const names = index.columnIds.map((id) => table.columns.find((c) => c.id === id)?.name ?? '?');
        const values = index.columnIds.map((id) => {
          const ordinal = table.columns.findIndex((c) => c.id === id);
          const column = table.columns[ordinal];
          return column === undefined ? '?' : (formatNullable(row[ordinal] ?? null, column.type, ctx.evalCtx) ?? 'null');
        });
        throw new PgError('23505', `could not create unique index "${index.name}"`, { detail: `Key (${names.join(', ')})=(${values.join(', ')}) is duplicated.`, constraint: index.name });
      }
    } else {
      await ctx.txn.put(entry.key, entry.value);
    }
  }
}

export async function truncate(ctx: StatementContext, stmt: TruncateStmt): Promise<StatementResult> {
  for (const node of stmt.relations ?? []) {
    const rv = nodeKind(node)[1] as { relname?: string; schemaname?: string };
    const table = await loadTable(ctx, rv.schemaname, rv.relname ?? '');
    if (table === undefined) {
      const schemaId = ctx.searchPath[0]?.id;
      const other = schemaId === undefined ? undefined : await ctx.catalog.lookupName(ctx.databaseId, schemaId, rv.relname ?? '');
      if (other !== undefined) throw new PgError('42809', `"${rv.relname ?? ''}" is not a table`);
      throw new PgError('42P01', `relation "${rv.relname ?? ''}" does not exist`);
    }
    const truncated = new Set((stmt.relations ?? []).map((n) => (nodeKind(n)[1] as { relname?: string }).relname));
    for (const childId of table.referencedBy ?? []) {
      const child = await ctx.catalog.descriptor(childId);
      if (child?.kind === 'table' && !truncated.has(child.name) && stmt.behavior === 'DROP_CASCADE') {
        notice(ctx, `truncate cascades to table "${child.name}"`);
        const childSpan = tableSpan(child.id);
        await ctx.txn.delRange(childSpan.start, childSpan.end);
        continue;
      }
      if (child?.kind === 'table' && !truncated.has(child.name) && stmt.behavior !== 'DROP_CASCADE') {
        throw new PgError('0A000', 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${child.name}" references "${table.name}".`, hint: `Truncate table "${child.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
    }
    const span = tableSpan(table.id);
    await ctx.txn.delRange(span.start, span.end);
    if (stmt.restart_seqs === true) {
      for (const { id } of await ctx.catalog.namesUnder(table.databaseId, table.schemaId)) {
        const d = await ctx.catalog.descriptor(id);
        if (d?.kind === 'sequence' && d.ownedBy?.tableId === table.id) {
          await ctx.catalog.deleteCounter(`sequence:${d.id}`);
          ctx.sequenceRuntime.forget(d.id);
        }
      }
    }
  }
  return done(ctx, 'TRUNCATE TABLE');
}

export async function createSchema(ctx: StatementContext, stmt: CreateSchemaStmt): Promise<StatementResult> {
  const name = stmt.schemaname ?? '';
  if ((await ctx.catalog.schema(ctx.databaseId, name)) !== undefined) {
    if (stmt.if_not_exists === true) {
      notice(ctx, `schema "${name}" already exists, skipping`, '42P06');
      return done(ctx, 'CREATE SCHEMA');
    }
    throw new PgError('42P06', `schema "${name}" already exists`);
  }
  if ((stmt.schemaElts?.length ?? 0) > 0) throw unsupported('CREATE SCHEMA with elements');
  await ctx.catalog.createSchema(ctx.databaseId, name);
  return done(ctx, 'CREATE SCHEMA');
}

export async function createDatabase(ctx: StatementContext, stmt: CreatedbStmt): Promise<StatementResult> {
  const name = stmt.dbname ?? '';
  if ((await ctx.catalog.database(name)) !== undefined) throw new PgError('42P04', `database "${name}" already exists`);
  await ctx.catalog.createDatabase(name);
  return done(ctx, 'CREATE DATABASE');
}

export async function dropDatabase(ctx: StatementContext, stmt: DropdbStmt): Promise<StatementResult> {
  const name = stmt.dbname ?? '';
  const database = await ctx.catalog.database(name);
  if (database === undefined) {
    if (stmt.missing_ok === true) {
      notice(ctx, `database "${name}" does not exist, skipping`);
      return done(ctx, 'DROP DATABASE');
    }
    throw new PgError('3D000', `database "${name}" does not exist`);
  }
  if (database.id === ctx.databaseId) throw new PgError(ObjectInUse, 'cannot drop the currently open database');
  for (const { name: schemaName, id } of await ctx.catalog.namesUnder(database.id, 0)) {
    for (const { name: tableName, id: tableId } of await ctx.catalog.namesUnder(database.id, id)) {
      await ctx.catalog.removeName(database.id, id, tableName);
      await ctx.catalog.deleteDescriptor(tableId);
      const span = tableSpan(tableId);
      await ctx.txn.delRange(span.start, span.end);
    }
    await ctx.catalog.removeName(database.id, 0, schemaName);
    await ctx.catalog.deleteDescriptor(id);
  }
  await ctx.catalog.removeName(0, 0, name);
  await ctx.catalog.deleteDescriptor(database.id);
  return done(ctx, 'DROP DATABASE');
}

