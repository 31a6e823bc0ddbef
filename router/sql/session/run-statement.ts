/**
 * Dispatches one statement, inside its transaction, to the part of the engine that runs it.
 */
import type {
  AlterSeqStmt, AlterTableStmt, ExplainStmt, RenameStmt, ViewStmt,
  CreatedbStmt, CreateSchemaStmt, CreateSeqStmt, CreateStmt, CreateTableAsStmt, DeleteStmt, DropdbStmt, DropStmt, IndexStmt, InsertStmt, Node, TruncateStmt, UpdateStmt,
} from '@pgsql/types';
import { unsupported } from '../errors/pg-error.js';
import { createDatabase, createIndex, createTableAs, createSchema, createTable, drop, dropDatabase, truncate } from '../exec/run-ddl.js';
import { runDml } from '../exec/run-dml.js';
import { alterTable, rename } from '../exec/alter-table.js';
import { alterSequence, createSequence } from '../exec/sequence-ddl.js';
import { createView } from '../exec/view-ddl.js';
import { binderFor, planQuery, runQuery } from '../exec/run-query.js';
import { explainLines } from '../opt/explain.js';
import { Oid } from '../types/oids.js';
import { bindDelete, bindInsert, bindUpdate, withViewCheck } from '../semantic/bind-dml.js';
import { nodeKind } from '../semantic/bind-scalar.js';
import { prefetchTables, tableLookup } from '../semantic/table-prefetch.js';
import { rewriteViewDml } from '../semantic/updatable-view.js';
import type { StatementContext } from './statement-context.js';
import type { StatementResult } from './statement-result.js';

export async function runStatement(ctx: StatementContext, ast: Node): Promise<StatementResult> {
  const [kind, body] = nodeKind(ast);
  switch (kind) {
    case 'SelectStmt': return runQuery(ctx, ast);
    case 'ExplainStmt': {
      const explain = body as ExplainStmt;
      for (const option of explain.options ?? []) {
        // Tessera prints no costs yet, so COSTS OFF asks for what it prints anyway.
        const def = nodeKind(option)[1] as { defname?: string };
        if (def.defname !== 'costs') throw unsupported(`EXPLAIN option ${def.defname ?? ''}`);
      }
      if (explain.query === undefined || nodeKind(explain.query)[0] !== 'SelectStmt') throw unsupported('EXPLAIN of statements other than SELECT');
      const plan = await planQuery(ctx, explain.query);
      return {
        columns: [{ name: 'QUERY PLAN', typeOid: Oid.text, typmod: -1 }], rows: explainLines(plan).map((line) => [line]),
        commandTag: 'EXPLAIN', notices: ctx.notices,
      };
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const rewritten = await rewriteViewDml(ctx, ast);
      await prefetchTables(ctx, rewritten.ast);
      const [dmlKind, dml] = nodeKind(rewritten.ast);
      const binder = binderFor(ctx);
      const plan = dmlKind === 'InsertStmt' ? bindInsert(dml as InsertStmt, binder, tableLookup(ctx))
        : dmlKind === 'UpdateStmt' ? bindUpdate(dml as UpdateStmt, binder, tableLookup(ctx))
        : bindDelete(dml as DeleteStmt, binder, tableLookup(ctx));
      return runDml(ctx, rewritten.viewCheck === undefined ? plan : withViewCheck(plan, rewritten.viewCheck, binder));
    }
    case 'CreateStmt': return createTable(ctx, body as CreateStmt);
    case 'AlterTableStmt': return alterTable(ctx, body as AlterTableStmt);
    case 'RenameStmt': return rename(ctx, body as RenameStmt);
    case 'ViewStmt': return createView(ctx, body as ViewStmt);
    case 'AlterSeqStmt': return alterSequence(ctx, body as AlterSeqStmt);
    case 'CreateSeqStmt': return createSequence(ctx, body as CreateSeqStmt);
    case 'CreateTableAsStmt': return createTableAs(ctx, body as CreateTableAsStmt);
    case 'DropStmt': return drop(ctx, body as DropStmt);
    case 'IndexStmt': return createIndex(ctx, body as IndexStmt);
    case 'TruncateStmt': return truncate(ctx, body as TruncateStmt);
    case 'CreateSchemaStmt': return createSchema(ctx, body as CreateSchemaStmt);
    case 'CreatedbStmt': return createDatabase(ctx, body as CreatedbStmt);
    case 'DropdbStmt': return dropDatabase(ctx, body as DropdbStmt);
    default:
      throw unsupported(`statement ${kind.replace(/Stmt$/, '')}`);
  }
}
