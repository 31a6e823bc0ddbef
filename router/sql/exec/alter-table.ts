/**
 * ALTER TABLE and RENAME. Each command changes a copy of the descriptor; commands that change
 * what rows hold (ADD COLUMN with a default, ALTER COLUMN TYPE, ADD PRIMARY KEY) rewrite the
 * table's rows under the new descriptor, and new constraints are checked against existing rows.
 * The new descriptor version is written once at the end, inside the statement's transaction.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node, RenameStmt } from '@pgsql/types';
import { tableSpan, indexSpan } from '../../../storage/keys.js';
import { PRIMARY_INDEX_ID, type ColumnDescriptor, type IndexDescriptor, type TableDescriptor } from '../catalog/descriptors.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import { bindTableBinding } from '../semantic/bind-dml.js';
import { bindExpr, coerce, nodeKind, stringsOf, typeFromTypeName } from '../semantic/bind-scalar.js';
import { Scope } from '../semantic/scope.js';
import { loadTable, loadView, prefetchTables } from '../semantic/table-prefetch.js';
import type { StatementContext } from '../session/statement-context.js';
import type { StatementResult } from '../session/statement-result.js';
import { planCoercion } from '../types/coercion.js';
import { T } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import { evalScalar } from './eval-scalar.js';
import { checkReferences } from './foreign-keys.js';
import { insertRow } from './row-writer.js';
import { foreignKeyOf, createIndexOn } from './run-ddl.js';
import { binderFor } from './run-query.js';
import { makeRunEnv } from './run-rel.js';
import { sequenceFromOptions } from './sequence-ddl.js';
import { dependentViews, dropView } from './view-ddl.js';
import { readAllRows } from './table-reader.js';

interface AlterState {
  table: TableDescriptor;
  /** Rows of the table as the commands so far have made them (read lazily). */
  rows: Value[][] | undefined;
  /** True when rows must be rewritten under the final descriptor. */
  rewrite: boolean;
}

async function rowsOf(ctx: StatementContext, state: AlterState): Promise<Value[][]> {
  state.rows ??= (await readAllRows(ctx.txn, state.table)).map((r) => r.row);
  return state.rows;
}

function constraintNames(table: TableDescriptor): Set<string> {
  return new Set([
    table.primaryIndex.name, ...table.indexes.filter((i) => i.unique).map((i) => i.name), ...table.checks.map((c) => c.name),
    ...(table.foreignKeys ?? []).map((f) => f.name),
  ]);
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

function columnNamed(table: TableDescriptor, name: string): ColumnDescriptor {
  const column = table.columns.find((c) => c.name === name && !c.hidden);
  if (column === undefined) throw new PgError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  return column;
}

export async function alterTable(ctx: StatementContext, stmt: AlterTableStmt): Promise<StatementResult> {
  const done: StatementResult = { columns: [], rows: [], commandTag: 'ALTER TABLE', notices: ctx.notices };
  if (stmt.objtype !== undefined && stmt.objtype !== 'OBJECT_TABLE') throw unsupported(`ALTER ${String(stmt.objtype).replace('OBJECT_', '')}`);
  const name = stmt.relation?.relname ?? '';
  const table = await loadTable(ctx, stmt.relation?.schemaname, name);
  if (table === undefined) {
    if (stmt.missing_ok === true) {
      ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `relation "${name}" does not exist, skipping` });
      return done;
    }
    throw new PgError('42P01', `relation "${name}" does not exist`);
  }
  await prefetchTables(ctx, { columns: table.columns.map((c) => c.defaultExpr ?? null) });
  const state: AlterState = { table, rows: undefined, rewrite: false };
  for (const node of stmt.cmds ?? []) await alterCommand(ctx, state, nodeKind(node)[1] as AlterTableCmd);
  if (state.rewrite) await rewriteRows(ctx, table, state);
  await ctx.catalog.writeDescriptor(state.table);
  ctx.tables.clear();
  return done;
}

/** Rewrites every row (and index entry) of the table under the new descriptor. */
async function rewriteRows(ctx: StatementContext, before: TableDescriptor, state: AlterState): Promise<void> {
  const rows = await rowsOf(ctx, state);
  const span = tableSpan(before.id);
  await ctx.txn.delRange(span.start, span.end);
  const binding = bindTableBinding(state.table, binderFor(ctx));
  const w = { table: state.table, checks: binding.checks, predicates: binding.predicates, env: makeRunEnv(ctx.evalCtx, new Map(), []), typeCtx: ctx.evalCtx };
  for (const row of rows) await insertRow(ctx.txn, row, w);
}

async function alterCommand(ctx: StatementContext, state: AlterState, cmd: AlterTableCmd): Promise<void> {
  const table = state.table;
  switch (cmd.subtype) {
    case 'AT_AddColumn': return addColumn(ctx, state, nodeKind(cmd.def as Node)[1] as ColumnDef, cmd.missing_ok === true);
    case 'AT_DropColumn': {
      const column = table.columns.find((c) => c.name === cmd.name && !c.hidden);
      if (column === undefined) {
        if (cmd.missing_ok === true) {
          ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `column "${cmd.name ?? ''}" of relation "${table.name}" does not exist, skipping` });
          return;
        }
        throw new PgError('42703', `column "${cmd.name ?? ''}" of relation "${table.name}" does not exist`);
      }
      const marker = `{"sval":"${column.name}"}`;
      for (const view of await dependentViews(ctx, table.id)) {
        if (!JSON.stringify(view.query).includes(marker) && !JSON.stringify(view.query).includes('"A_Star"')) continue;
        if (cmd.behavior !== 'DROP_CASCADE') {
          throw new PgError('2BP01', `cannot drop column ${column.name} of table ${table.name} because other objects depend on it`, {
            detail: `view ${view.name} depends on column ${column.name} of table ${table.name}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
          });
        }
        ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `drop cascades to view ${view.name}` });
        await dropView(ctx, view, true);
      }
      if (table.primaryIndex.columnIds.includes(column.id)) {
        // The primary key goes with its column; rows are then keyed by a new hidden row id.
        const rowIdColumn: ColumnDescriptor = { id: table.nextColumnId, name: 'rowid', type: T.int8, nullable: false, hidden: true };
        state.rows = (await rowsOf(ctx, state)).map((r) => [...r, ctx.allocateRowId()]);
        state.table = {
          ...table, columns: [...table.columns, rowIdColumn], nextColumnId: table.nextColumnId + 1,
          primaryIndex: { id: PRIMARY_INDEX_ID, name: `${table.name}_pkey`, columnIds: [rowIdColumn.id], directions: ['asc'], unique: true },
        };
        state.rewrite = true;
        return alterCommand(ctx, state, cmd);
      }
      const ordinal = table.columns.indexOf(column);
      if (state.rows !== undefined) state.rows = state.rows.map((r) => r.filter((_, i) => i !== ordinal));
      for (const index of table.indexes.filter((i) => i.columnIds.includes(column.id))) {
        const span = indexSpan(table.id, index.id);
        await ctx.txn.delRange(span.start, span.end);
      }
      state.table = {
        ...table, columns: table.columns.filter((c) => c !== column), indexes: table.indexes.filter((i) => !i.columnIds.includes(column.id)),
        checks: table.checks.filter((c) => !JSON.stringify(c.expr).includes(`{"sval":"${column.name}"}`)),
        foreignKeys: (table.foreignKeys ?? []).filter((f) => !f.columnIds.includes(column.id)),
        droppedColumns: [...(table.droppedColumns ?? []), { id: column.id, type: column.type }],
      };
      return;
    }
    case 'AT_ColumnDefault': {
      const column = columnNamed(table, cmd.name ?? '');
      const { defaultExpr: _old, ...rest } = column;
      const updated: ColumnDescriptor = cmd.def === undefined ? rest : { ...rest, defaultExpr: cmd.def };
      if (cmd.def !== undefined) {
        const bctx = binderFor(ctx).context(Scope.empty(undefined, new Map()), 'DEFAULT expressions');
        coerce(bindExpr(cmd.def, bctx), column.type, 'assignment', bctx);
      }
      state.table = { ...table, columns: table.columns.map((c) => (c === column ? updated : c)) };
      return;
    }
    case 'AT_SetNotNull': {
      const column = columnNamed(table, cmd.name ?? '');
      const ordinal = table.columns.indexOf(column);
      if ((await rowsOf(ctx, state)).some((r) => (r[ordinal] ?? null) === null)) {
        throw new PgError('23502', `column "${column.name}" of relation "${table.name}" contains null values`, { table: table.name, column: column.name });
      }
      state.table = { ...table, columns: table.columns.map((c) => (c === column ? { ...c, nullable: false } : c)) };
      return;
    }
    case 'AT_DropNotNull': {
      const column = columnNamed(table, cmd.name ?? '');
      if (table.primaryIndex.columnIds.includes(column.id)) throw new PgError('42P16', `column "${column.name}" is in a primary key`);
      state.table = { ...table, columns: table.columns.map((c) => (c === column ? { ...c, nullable: true } : c)) };
      return;
    }
    case 'AT_AddConstraint': return addConstraint(ctx, state, nodeKind(cmd.def as Node)[1] as Constraint);
    case 'AT_DropConstraint': {
      const name = cmd.name ?? '';
      const index = table.indexes.find((i) => i.unique && i.name === name);
      if (index !== undefined) {
        const span = indexSpan(table.id, index.id);
        await ctx.txn.delRange(span.start, span.end);
        state.table = { ...table, indexes: table.indexes.filter((i) => i !== index) };
      } else if (table.checks.some((c) => c.name === name)) {
        state.table = { ...table, checks: table.checks.filter((c) => c.name !== name) };
      } else if ((table.foreignKeys ?? []).some((f) => f.name === name)) {
        state.table = { ...table, foreignKeys: (table.foreignKeys ?? []).filter((f) => f.name !== name) };
      } else if (cmd.missing_ok === true) {
        ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `constraint "${name}" of relation "${table.name}" does not exist, skipping` });
      } else if (table.primaryIndex.name === name) {
        throw unsupported('dropping a primary key');
      } else {
        throw new PgError('42704', `constraint "${name}" of relation "${table.name}" does not exist`);
      }
      return;
    }
    case 'AT_ValidateConstraint': {
      const check = table.checks.find((k) => k.name === cmd.name);
      if (check === undefined) {
        if ([table.primaryIndex, ...table.indexes].some((i) => i.name === cmd.name) || (table.foreignKeys ?? []).some((f) => f.name === cmd.name)) return;
        throw new PgError('42704', `constraint "${cmd.name ?? ''}" of relation "${table.name}" does not exist`);
      }
      await validateCheck(ctx, state, table, check.name);
      const { notValid: _n, ...validated } = check;
      state.table = { ...table, checks: table.checks.map((k) => (k === check ? validated : k)) };
      return;
    }
    case 'AT_AlterColumnType': {
      const column = columnNamed(table, cmd.name ?? '');
      const def = nodeKind(cmd.def as Node)[1] as ColumnDef;
      if (def.typeName === undefined) throw new PgError('42601', 'ALTER COLUMN TYPE without a type');
      const type = typeFromTypeName(def.typeName);
      const ordinal = table.columns.indexOf(column);
      if (def.raw_default !== undefined) {
        // USING: an expression over the old row gives the new value.
        const scope = new Scope(table.columns.map((c, index) => ({
          table: table.name, name: c.name, type: c.type, index, qualifiedOnly: false, hiddenFromStar: c.hidden,
        })), undefined, new Map());
        const bctx = binderFor(ctx).context(scope, 'transform expressions');
        const expr = coerce(bindExpr(def.raw_default, bctx), type, 'assignment', bctx);
        const env = makeRunEnv(ctx.evalCtx, new Map(), []);
        const rows = await rowsOf(ctx, state);
        state.rows = rows.map((r) => r.map((v, i) => (i === ordinal ? evalScalar(expr, r, env) : v)));
        state.table = { ...table, columns: table.columns.map((c) => (c === column ? { ...c, type } : c)) };
        state.rewrite = true;
        return;
      }
      let cast;
      try {
        cast = planCoercion(column.type, type, 'assignment');
      } catch {
        throw new PgError('42804', `column "${column.name}" cannot be cast automatically to type ${typeFromTypeName(def.typeName).oid === T.int4.oid ? 'integer' : 'the new type'}`, {
          hint: `You might need to specify "USING ${column.name}::${stringsOf(def.typeName.names).at(-1) ?? ''}".`,
        });
      }
      const rows = await rowsOf(ctx, state);
      state.rows = rows.map((r) => r.map((v, i) => (i === ordinal && v !== null ? cast.apply(v, ctx.evalCtx) : v)));
      state.table = { ...table, columns: table.columns.map((c) => (c === column ? { ...c, type } : c)) };
      state.rewrite = true;
      return;
    }
    default:
      throw unsupported(`ALTER TABLE ${String(cmd.subtype).replace('AT_', '')}`);
  }
}

async function addColumn(ctx: StatementContext, state: AlterState, def: ColumnDef, ifNotExists: boolean): Promise<void> {
  const table = state.table;
  const name = def.colname ?? '';
  if (table.columns.some((c) => c.name === name && !c.hidden)) {
    if (ifNotExists) {
      ctx.notices.push({ severity: 'NOTICE', code: '42701', message: `column "${name}" of relation "${table.name}" already exists, skipping` });
      return;
    }
    throw new PgError('42701', `column "${name}" of relation "${table.name}" already exists`);
  }
  if (def.typeName === undefined) throw new PgError('42601', `column "${name}" has no type`);
  const typeNames = stringsOf(def.typeName.names);
  const serial = typeNames.length === 1 ? ({ serial: T.int4, bigserial: T.int8, smallserial: T.int2 } as Record<string, typeof T.int4>)[typeNames[0] ?? ''] : undefined;
  const type = serial ?? typeFromTypeName(def.typeName);
  let column: ColumnDescriptor = { id: table.nextColumnId, name, type, nullable: serial === undefined, hidden: false };
  const constraints: Constraint[] = [];
  for (const node of def.constraints ?? []) {
    const c = nodeKind(node)[1] as Constraint;
    if (c.contype === 'CONSTR_NOTNULL') column = { ...column, nullable: false };
    else if (c.contype === 'CONSTR_NULL') continue;
    else if (c.contype === 'CONSTR_DEFAULT' && c.raw_expr !== undefined) column = { ...column, defaultExpr: c.raw_expr };
    else constraints.push({ ...c, ...(c.contype === 'CONSTR_FOREIGN' ? { fk_attrs: [{ String: { sval: name } }] } : { keys: [{ String: { sval: name } }] }) } as Constraint);
  }
  if (serial !== undefined) {
    const seqName = `${table.name}_${name}_seq`;
    const seqId = await ctx.catalog.allocateId();
    await ctx.catalog.writeDescriptor(sequenceFromOptions(undefined, { id: seqId, name: seqName, databaseId: table.databaseId, schemaId: table.schemaId, typeOid: type.oid, ownedBy: { tableId: table.id, columnId: column.id } }));
    await ctx.catalog.addName(table.databaseId, table.schemaId, seqName, seqId);
    column = { ...column, defaultExpr: { FuncCall: { funcname: [{ String: { sval: 'nextval' } }], args: [{ A_Const: { sval: { sval: seqName } } }] } } as Node };
  }
  const rows = await rowsOf(ctx, state);
  let fill: (row: Value[]) => Value = () => null;
  if (column.defaultExpr !== undefined) {
    await prefetchTables(ctx, column.defaultExpr);
    const bctx = binderFor(ctx).context(Scope.empty(undefined, new Map()), 'DEFAULT expressions');
    const expr = coerce(bindExpr(column.defaultExpr, bctx), type, 'assignment', bctx);
    const env = makeRunEnv(ctx.evalCtx, new Map(), []);
    fill = () => evalScalar(expr, [], env);
  }
  state.rows = rows.map((r) => [...r, fill(r)]);
  if (!column.nullable && state.rows.some((r) => r[r.length - 1] === null)) {
    throw new PgError('23502', `column "${name}" of relation "${table.name}" contains null values`, { table: table.name, column: name });
  }
  state.table = { ...table, columns: [...table.columns, column], nextColumnId: table.nextColumnId + 1 };
  if (column.defaultExpr !== undefined && rows.length > 0) state.rewrite = true;
  for (const c of constraints) await addConstraint(ctx, state, c);
}

async function validateCheck(ctx: StatementContext, state: AlterState, table: TableDescriptor, name: string): Promise<void> {
  const binding = bindTableBinding(table, binderFor(ctx));
  const check = binding.checks.find((k) => k.name === name);
  const env = makeRunEnv(ctx.evalCtx, new Map(), []);
  if (check !== undefined && (await rowsOf(ctx, state)).some((r) => evalScalar(check.expr, r, env) === false)) {
    throw new PgError('23514', `check constraint "${name}" of relation "${table.name}" is violated by some row`, { table: table.name, constraint: name });
  }
}

async function addConstraint(ctx: StatementContext, state: AlterState, c: Constraint): Promise<void> {
  const table = state.table;
  const taken = constraintNames(table);
  if (c.conname !== undefined && taken.has(c.conname)) {
    // An index of that name exists: for UNIQUE and PRIMARY KEY it is the relation that clashes.
    const isIndex = [table.primaryIndex, ...table.indexes].some((i) => i.name === c.conname);
    if (isIndex && (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY')) throw new PgError('42P07', `relation "${c.conname}" already exists`);
    throw new PgError('42710', `constraint "${c.conname}" for relation "${table.name}" already exists`);
  }
  const keys = stringsOf(c.keys);
  switch (c.contype) {
    case 'CONSTR_UNIQUE': {
      const index: IndexDescriptor = {
        id: table.nextIndexId, name: uniqueName(c.conname ?? `${table.name}_${keys.join('_')}_key`, taken),
        columnIds: keys.map((k) => columnNamed(table, k).id), directions: keys.map(() => 'asc'), unique: true,
      };
      state.table = { ...table, indexes: [...table.indexes, index], nextIndexId: table.nextIndexId + 1 };
      if (!state.rewrite) await createIndexOn(ctx, state.table, index, state.rows);
      return;
    }
    case 'CONSTR_PRIMARY': {
      const hidden = table.columns.find((col) => col.hidden && table.primaryIndex.columnIds.includes(col.id));
      if (hidden === undefined) throw new PgError('42P16', `multiple primary keys for table "${table.name}" are not allowed`);
      const ids = keys.map((k) => columnNamed(table, k).id);
      const name = uniqueName(c.conname ?? `${table.name}_pkey`, new Set([...taken].filter((n) => n !== table.primaryIndex.name)));
      const rows = await rowsOf(ctx, state);
      const ordinals = ids.map((id) => table.columns.findIndex((col) => col.id === id));
      for (const ordinal of ordinals) {
        const column = table.columns[ordinal];
        if (rows.some((r) => (r[ordinal] ?? null) === null)) throw new PgError('23502', `column "${column?.name ?? ''}" of relation "${table.name}" contains null values`);
      }
      const seen = new Set<string>();
      for (const row of rows) {
        const key = JSON.stringify(ordinals.map((o) => String(row[o])));
        if (seen.has(key)) {
          throw new PgError('23505', `could not create unique index "${name}"`, {
            detail: `Key (${keys.join(', ')})=(${ordinals.map((o) => String(row[o])).join(', ')}) is duplicated.`,
          });
        }
        seen.add(key);
      }
      const hiddenOrdinal = table.columns.indexOf(hidden);
      state.rows = rows.map((r) => r.filter((_, i) => i !== hiddenOrdinal));
      state.table = {
        ...table, columns: table.columns.filter((col) => col !== hidden).map((col) => (ids.includes(col.id) ? { ...col, nullable: false } : col)),
        primaryIndex: { id: PRIMARY_INDEX_ID, name, columnIds: ids, directions: ids.map(() => 'asc'), unique: true },
        droppedColumns: [...(table.droppedColumns ?? []), { id: hidden.id, type: hidden.type }],
      };
      state.rewrite = true;
      return;
    }
    case 'CONSTR_CHECK': {
      if (c.raw_expr === undefined) return;
      const column = keys[0];
      const name = uniqueName(c.conname ?? (column === undefined ? `${table.name}_check` : `${table.name}_${column}_check`), taken);
      const notValid = c.skip_validation === true;
      const updated = { ...table, checks: [...table.checks, { name, expr: c.raw_expr, ...(notValid ? { notValid } : {}) }] };
      if (!notValid) await validateCheck(ctx, state, updated, name);
      state.table = updated;
      return;
    }
    case 'CONSTR_FOREIGN': {
      const columns = stringsOf(c.fk_attrs);
      const { fk } = await foreignKeyOf(ctx, table, columns, c, taken);
      state.table = { ...table, foreignKeys: [...(table.foreignKeys ?? []), fk], ...(fk.referencedTableId === table.id ? { referencedBy: [...(table.referencedBy ?? []), table.id] } : {}) };
      const env = { txn: ctx.txn, catalog: ctx.catalog, typeCtx: ctx.evalCtx, deleteRow: async () => undefined, updateRow: async () => undefined, defaultValue: () => null };
      for (const row of await rowsOf(ctx, state)) await checkReferences({ ...state.table, foreignKeys: [fk] }, row, env);
      return;
    }
    default:
      throw unsupported(`ALTER TABLE ADD ${String(c.contype).replace('CONSTR_', '')}`);
  }
}

export async function rename(ctx: StatementContext, stmt: RenameStmt): Promise<StatementResult> {
  const tag = stmt.renameType === 'OBJECT_COLUMN' || stmt.renameType === 'OBJECT_TABCONSTRAINT' || stmt.renameType === 'OBJECT_TABLE' ? 'ALTER TABLE' : 'ALTER INDEX';
  const done: StatementResult = { columns: [], rows: [], commandTag: tag, notices: ctx.notices };
  const name = stmt.relation?.relname ?? '';
  const newName = stmt.newname ?? '';
  if (stmt.renameType === 'OBJECT_VIEW') {
    const view = await loadView(ctx, stmt.relation?.schemaname, name);
    if (view === undefined) {
      if (stmt.missing_ok === true) return { ...done, commandTag: 'ALTER VIEW' };
      throw new PgError('42P01', `relation "${name}" does not exist`);
    }
    if ((await ctx.catalog.lookupName(view.databaseId, view.schemaId, newName)) !== undefined) throw new PgError('42P07', `relation "${newName}" already exists`);
    await ctx.catalog.removeName(view.databaseId, view.schemaId, view.name);
    await ctx.catalog.addName(view.databaseId, view.schemaId, newName, view.id);
    await ctx.catalog.writeDescriptor({ ...view, name: newName });
    return { ...done, commandTag: 'ALTER VIEW' };
  }
  const table = await loadTable(ctx, stmt.relation?.schemaname, name);
  if (table === undefined) {
    if (stmt.missing_ok === true) return done;
    throw new PgError('42P01', `relation "${name}" does not exist`);
  }
  switch (stmt.renameType) {
    case 'OBJECT_COLUMN': {
      const column = table.columns.find((c) => c.name === stmt.subname && !c.hidden);
      if (column === undefined) throw new PgError('42703', `column "${stmt.subname ?? ''}" does not exist`);
      if (table.columns.some((c) => c.name === newName)) throw new PgError('42701', `column "${newName}" of relation "${table.name}" already exists`);
      const renameIn = (node: Node): Node => JSON.parse(JSON.stringify(node).replaceAll(`{"sval":"${column.name}"}`, `{"sval":"${newName}"}`)) as Node;
      await ctx.catalog.writeDescriptor({
        ...table, columns: table.columns.map((c) => (c === column ? { ...c, name: newName } : c)),
        checks: table.checks.map((k) => ({ ...k, expr: renameIn(k.expr) })),
      });
      break;
    }
    case 'OBJECT_TABLE': {
      if ((await ctx.catalog.lookupName(table.databaseId, table.schemaId, newName)) !== undefined) throw new PgError('42P07', `relation "${newName}" already exists`);
      await ctx.catalog.removeName(table.databaseId, table.schemaId, table.name);
      await ctx.catalog.addName(table.databaseId, table.schemaId, newName, table.id);
      await ctx.catalog.writeDescriptor({ ...table, name: newName });
      break;
    }
    case 'OBJECT_TABCONSTRAINT': {
      const old = stmt.subname ?? '';
      if (constraintNames(table).has(newName)) throw new PgError('42710', `constraint "${newName}" for relation "${table.name}" already exists`);
      if (!constraintNames(table).has(old)) throw new PgError('42704', `constraint "${old}" for table "${table.name}" does not exist`);
      const r = <X extends { name: string }>(x: X): X => (x.name === old ? { ...x, name: newName } : x);
      await ctx.catalog.writeDescriptor({
        ...table, primaryIndex: r(table.primaryIndex), indexes: table.indexes.map(r), checks: table.checks.map(r), foreignKeys: (table.foreignKeys ?? []).map(r),
      });
      break;
    }
    default:
      throw unsupported(`RENAME of ${String(stmt.renameType).replace('OBJECT_', '')}`);
  }
  ctx.tables.clear();
  return done;
}
