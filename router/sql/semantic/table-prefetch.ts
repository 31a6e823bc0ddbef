/**
 * Analysis is synchronous, so the tables a statement names are read from the catalog first: every
 * object of the parse tree with a `relname` is a table (or WITH query) reference.
 */
import type { StatementContext } from '../session/statement-context.js';
import type { SequenceDescriptor, TableDescriptor, ViewDescriptor } from '../catalog/descriptors.js';
import { collectSequenceNames, type SequenceBinding } from './bind-sequence.js';
import type { TableLookup, ViewLookup } from './bind-from.js';

function collectRelations(node: unknown, out: Map<string, { schema: string | undefined; name: string }>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectRelations(item, out);
    return;
  }
  const record = node as Record<string, unknown>;
  if (typeof record['relname'] === 'string') {
    const schema = typeof record['schemaname'] === 'string' ? record['schemaname'] : undefined;
    out.set(tableKey(schema, record['relname']), { schema, name: record['relname'] });
  }
  for (const value of Object.values(record)) collectRelations(value, out);
}

export function tableKey(schema: string | undefined, name: string): string {
  return `${schema ?? ''}\u0000${name}`;
}

export async function loadTable(ctx: StatementContext, schema: string | undefined, name: string): Promise<TableDescriptor | undefined> {
  if (schema !== undefined) {
    const s = await ctx.catalog.schema(ctx.databaseId, schema);
    if (s === undefined) return undefined;
    return ctx.catalog.table(ctx.databaseId, s.id, name);
  }
  for (const s of ctx.searchPath) {
    const table = await ctx.catalog.table(ctx.databaseId, s.id, name);
    if (table !== undefined) return table;
  }
  return undefined;
}

export async function prefetchTables(ctx: StatementContext, ast: unknown): Promise<void> {
  const relations = new Map<string, { schema: string | undefined; name: string }>();
  collectRelations(ast, relations);
  for (const [key, { schema, name }] of relations) {
    if (ctx.tables.has(key)) continue;
    const table = await loadTable(ctx, schema, name);
    ctx.tables.set(key, table);
    if (table === undefined && !ctx.views.has(key)) {
      const view = await loadView(ctx, schema, name);
      if (view !== undefined) {
        ctx.views.set(key, view);
        await prefetchTables(ctx, view.query);
      }
    }
  }
  const sequenceNames = new Set<string>();
  collectSequenceNames(ast, sequenceNames);
  for (const table of ctx.tables.values()) {
    for (const column of table?.columns ?? []) collectSequenceNames(column.defaultExpr, sequenceNames);
  }
  for (const name of sequenceNames) {
    if (ctx.sequences.has(name)) continue;
    const parts = name.split('.');
    const schema = parts.length > 1 ? parts[0] : undefined;
    const seq = await loadSequence(ctx, schema, parts.at(-1) ?? '');
    if (seq !== undefined) await ctx.sequenceRuntime.load(ctx.catalog, seq);
    const other = seq === undefined && ((await loadTable(ctx, schema, parts.at(-1) ?? '')) ?? (await loadView(ctx, schema, parts.at(-1) ?? ''))) !== undefined;
    ctx.sequences.set(name, other ? null : seq);
  }
}

export async function loadView(ctx: StatementContext, schema: string | undefined, name: string): Promise<ViewDescriptor | undefined> {
  if (schema !== undefined) {
    const s = await ctx.catalog.schema(ctx.databaseId, schema);
    return s === undefined ? undefined : ctx.catalog.view(ctx.databaseId, s.id, name);
  }
  for (const s of ctx.searchPath) {
    const view = await ctx.catalog.view(ctx.databaseId, s.id, name);
    if (view !== undefined) return view;
  }
  return undefined;
}

export async function loadSequence(ctx: StatementContext, schema: string | undefined, name: string): Promise<SequenceDescriptor | undefined> {
  if (schema !== undefined) {
    const s = await ctx.catalog.schema(ctx.databaseId, schema);
    return s === undefined ? undefined : ctx.catalog.sequence(ctx.databaseId, s.id, name);
  }
  for (const s of ctx.searchPath) {
    const seq = await ctx.catalog.sequence(ctx.databaseId, s.id, name);
    if (seq !== undefined) return seq;
  }
  return undefined;
}

export function sequenceBinding(ctx: StatementContext): SequenceBinding {
  return { lookup: (name) => ctx.sequences.get(name), runtime: ctx.sequenceRuntime, session: ctx.sessionSequences };
}

export function tableLookup(ctx: StatementContext): TableLookup {
  return (schema, name) => ctx.tables.get(tableKey(schema, name));
}

export function viewLookup(ctx: StatementContext): ViewLookup {
  return (schema, name) => ctx.views.get(tableKey(schema, name));
}
