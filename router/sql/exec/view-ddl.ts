/**
 * CREATE [OR REPLACE] VIEW and DROP VIEW. A view keeps its query's parse tree and is analysed
 * again where it is read; the tables and views it reads are recorded so that dropping them while
 * it exists is refused (2BP01) unless CASCADE drops it too.
 */
import type { ViewStmt } from '@pgsql/types';
import type { Descriptor, ViewDescriptor } from '../catalog/descriptors.js';
import { PgError } from '../errors/pg-error.js';
import { stringsOf } from '../semantic/bind-scalar.js';
import { loadTable, loadView } from '../semantic/table-prefetch.js';
import type { StatementContext } from '../session/statement-context.js';
import type { StatementResult } from '../session/statement-result.js';
import { Oid } from '../types/oids.js';
import { T } from '../types/sql-type.js';
import { formatType } from '../types/typmod.js';
import { planQuery } from './run-query.js';

export async function createView(ctx: StatementContext, stmt: ViewStmt): Promise<StatementResult> {
  const done: StatementResult = { columns: [], rows: [], commandTag: 'CREATE VIEW', notices: ctx.notices };
  if (stmt.query === undefined) throw new PgError('XX000', 'CREATE VIEW without a query');
  const name = stmt.view?.relname ?? '';
  const schemaName = stmt.view?.schemaname;
  const schema = schemaName === undefined ? ctx.searchPath[0] : await ctx.catalog.schema(ctx.databaseId, schemaName);
  if (schema === undefined) throw new PgError('3F000', `schema "${schemaName ?? ''}" does not exist`);
  const plan = await planQuery(ctx, stmt.query);
  const aliases = stringsOf(stmt.aliases);
  if (aliases.length > plan.columns.length) throw new PgError('42601', 'CREATE VIEW specifies more column names than columns');
  const columnNames = plan.columns.map((c, i) => aliases[i] ?? c.name);
  const columnTypes = plan.columns.map((c) => (c.type.oid === Oid.unknown ? T.text : c.type));
  columnNames.forEach((n, i) => {
    if (columnNames.indexOf(n) !== i) throw new PgError('42701', `column "${n}" specified more than once`);
  });
  const dependsOn = [...new Set([...ctx.tables.values(), ...ctx.views.values()].flatMap((d) => (d === undefined ? [] : [d.id])))];
  const existingId = await ctx.catalog.lookupName(ctx.databaseId, schema.id, name);
  let id: number;
  if (existingId !== undefined) {
    const existing = await ctx.catalog.descriptor(existingId);
    if (stmt.replace !== true || existing?.kind !== 'view') throw new PgError('42P07', `relation "${name}" already exists`);
    if (columnNames.length < existing.columnNames.length) throw new PgError('42P16', 'cannot drop columns from view');
    existing.columnNames.forEach((old, i) => {
      if (columnNames[i] !== old) throw new PgError('42P16', `cannot change name of view column "${old}" to "${columnNames[i] ?? ''}"`);
      const oldType = existing.columnTypes[i];
      const newType = columnTypes[i];
      if (oldType !== undefined && newType !== undefined && oldType.oid !== newType.oid) {
        throw new PgError('42P16', `cannot change data type of view column "${old}" from ${formatType(oldType)} to ${formatType(newType)}`);
      }
    });
    id = existingId;
  } else {
    id = await ctx.catalog.allocateId();
    await ctx.catalog.addName(ctx.databaseId, schema.id, name, id);
  }
  const view: ViewDescriptor = {
    kind: 'view', id, version: 0, name, databaseId: ctx.databaseId, schemaId: schema.id, query: stmt.query, columnNames, columnTypes,
    dependsOn: dependsOn.filter((d) => d !== id),
    ...(stmt.withCheckOption !== undefined && stmt.withCheckOption !== 'NO_CHECK_OPTION' ? { checkOption: true } : {}),
  };
  await ctx.catalog.writeDescriptor(view);
  return done;
}

/** Views of the database that read `id`. */
export async function dependentViews(ctx: StatementContext, id: number): Promise<ViewDescriptor[]> {
  const out: ViewDescriptor[] = [];
  for (const schema of await ctx.catalog.namesUnder(ctx.databaseId, 0)) {
    for (const entry of await ctx.catalog.namesUnder(ctx.databaseId, schema.id)) {
      const d: Descriptor | undefined = await ctx.catalog.descriptor(entry.id);
      if (d?.kind === 'view' && d.dependsOn.includes(id)) out.push(d);
    }
  }
  return out;
}

/** Refuses to drop `what` while views read it, or drops those views too under CASCADE. */
export async function dropDependentViews(ctx: StatementContext, id: number, what: string, cascade: boolean): Promise<void> {
  for (const view of await dependentViews(ctx, id)) {
    if (!cascade) {
      throw new PgError('2BP01', `cannot drop ${what} because other objects depend on it`, {
        detail: `view ${view.name} depends on ${what}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `drop cascades to view ${view.name}` });
    await dropView(ctx, view, true);
  }
}

export async function dropView(ctx: StatementContext, view: ViewDescriptor, cascade: boolean): Promise<void> {
  await dropDependentViews(ctx, view.id, `view ${view.name}`, cascade);
  await ctx.catalog.removeName(view.databaseId, view.schemaId, view.name);
  await ctx.catalog.deleteDescriptor(view.id);
}

export async function dropViewNamed(ctx: StatementContext, names: readonly string[], missingOk: boolean, cascade: boolean): Promise<void> {
  const name = names.at(-1) ?? '';
  const schemaName = names.length > 1 ? names[names.length - 2] : undefined;
  const view = await loadView(ctx, schemaName, name);
  if (view === undefined) {
    if ((await loadTable(ctx, schemaName, name)) !== undefined) {
      throw new PgError('42809', `"${name}" is not a view`, { hint: 'Use DROP TABLE to remove a table.' });
    }
    if (!missingOk) throw new PgError('42P01', `view "${name}" does not exist`);
    ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `view "${name}" does not exist, skipping` });
    return;
  }
  await dropView(ctx, view, cascade);
}
