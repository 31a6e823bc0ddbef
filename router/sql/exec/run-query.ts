/**
 * SELECT (and VALUES, set operations, WITH): analyse, optimize, fetch, evaluate.
 */
import type { CommonTableExpr, DeleteStmt, InsertStmt, Node, SelectStmt, UpdateStmt } from '@pgsql/types';
import { unsupported } from '../errors/pg-error.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { bindDelete, bindInsert, bindUpdate, type DmlPlan } from '../semantic/bind-dml.js';
import { nodeKind } from '../semantic/bind-scalar.js';
import { T } from '../types/sql-type.js';
import { runDml } from './run-dml.js';
import type { OutputColumn, RelExpr } from '../plan/rel-expr.js';
import { optimize } from '../opt/optimizer.js';
import { QueryBinder } from '../semantic/bind-query.js';
import { prefetchTables, sequenceBinding, tableLookup, viewLookup } from '../semantic/table-prefetch.js';
import type { StatementContext } from '../session/statement-context.js';
import type { ResultColumn, StatementResult } from '../session/statement-result.js';
import { Oid } from '../types/oids.js';
import type { Value } from '../types/value.js';
import { fetchScans, makeRunEnv, runRel } from './run-rel.js';

export function resultColumns(columns: readonly OutputColumn[]): ResultColumn[] {
  return columns.map((c) => ({
    name: c.name,
    typeOid: c.type.oid === Oid.unknown ? Oid.text : c.type.oid,
    typmod: c.type.typmod,
    ...(c.tableId === undefined ? {} : { tableOid: c.tableId }),
    ...(c.columnAttnum === undefined ? {} : { columnAttnum: c.columnAttnum }),
  }));
}

export function binderFor(ctx: StatementContext, modifyingCtes?: ReadonlyMap<Node, RelExpr>): QueryBinder {
  return new QueryBinder({
    lookupTable: tableLookup(ctx), lookupView: viewLookup(ctx), evalCtx: ctx.evalCtx, params: ctx.paramTypes, sequences: sequenceBinding(ctx),
    paramCount: ctx.params.length,
    ...(modifyingCtes === undefined ? {} : { modifyingCtes }),
  });
}

/** Runs a bound plan (or several that share one snapshot) and answers their rows. */
export async function runPlans(ctx: StatementContext, plans: readonly RelExpr[]): Promise<Value[][][]> {
  const scans = await fetchScans(ctx.txn, plans);
  const env = makeRunEnv(ctx.evalCtx, scans, ctx.params);
  return plans.map((plan) => runRel(plan, env));
}

export async function planQuery(ctx: StatementContext, ast: Node): Promise<RelExpr> {
  await prefetchTables(ctx, ast);
  return optimize(binderFor(ctx).bindQuery(ast, undefined));
}

export async function runQuery(ctx: StatementContext, ast: Node): Promise<StatementResult> {
  const modifying = modifyingCtesOf(ast);
  if (modifying.length === 0) {
    const plan = await planQuery(ctx, ast);
    const [rows = []] = await runPlans(ctx, [plan]);
    return { columns: resultColumns(plan.columns), rows, commandTag: `SELECT ${rows.length}`, notices: ctx.notices };
  }
  // WITH ... (INSERT/UPDATE/DELETE ... RETURNING): the query reads the snapshot from before the
  // modifications (manual 7.8.4), so its tables are read first, then the modifications run and
  // their RETURNING rows feed the WITH references.
  await prefetchTables(ctx, ast);
  const placeholders = new Map<Node, RelExpr>();
  const rowsOf = new Map<Node, ScalarExpr[][]>();
  const dmlPlans: { node: Node; plan: DmlPlan }[] = [];
  for (const { node, preceding } of modifying) {
    // A modification sees the WITH queries before it (its rows feed later ones).
    const plan = bindModifying(ctx, node, preceding, placeholders);
    const rows: ScalarExpr[][] = [];
    rowsOf.set(node, rows);
    placeholders.set(node, { kind: 'values', columns: plan.returning?.columns ?? [], rows });
    dmlPlans.push({ node, plan });
  }
  const plan = optimize(binderFor(ctx, placeholders).bindQuery(ast, undefined));
  const scans = await fetchScans(ctx.txn, [plan]);
  for (const { node, plan: dml } of dmlPlans) {
    const result = await runDml(ctx, dml);
    const target = rowsOf.get(node) ?? [];
    const columns = dml.returning?.columns ?? [];
    for (const row of result.rows) target.push(row.map((value, i) => ({ kind: 'const', type: columns[i]?.type ?? T.text, value }) as ScalarExpr));
  }
  const rows = runRel(plan, makeRunEnv(ctx.evalCtx, scans, ctx.params));
  return { columns: resultColumns(plan.columns), rows, commandTag: `SELECT ${rows.length}`, notices: ctx.notices };
}

/** The data-modifying WITH queries of a SELECT, each with the WITH entries before it. */
function modifyingCtesOf(ast: Node): { node: Node; preceding: Node[] }[] {
  const [kind, body] = nodeKind(ast);
  if (kind !== 'SelectStmt') return [];
  const ctes = (body as SelectStmt).withClause?.ctes ?? [];
  const out: { node: Node; preceding: Node[] }[] = [];
  ctes.forEach((c, i) => {
    const query = (nodeKind(c)[1] as CommonTableExpr).ctequery;
    if (query !== undefined && nodeKind(query)[0] !== 'SelectStmt') out.push({ node: query, preceding: ctes.slice(0, i) });
  });
  return out;
}

function bindModifying(ctx: StatementContext, node: Node, preceding: Node[], placeholders: ReadonlyMap<Node, RelExpr>): DmlPlan {
  const [kind, body] = nodeKind(node);
  const binder = binderFor(ctx, placeholders);
  const withClause = preceding.length === 0 ? {} : { withClause: { ctes: preceding } };
  switch (kind) {
    case 'InsertStmt': return bindInsert({ ...(body as InsertStmt), ...withClause }, binder, tableLookup(ctx));
    case 'UpdateStmt': return bindUpdate({ ...(body as UpdateStmt), ...withClause }, binder, tableLookup(ctx));
    case 'DeleteStmt': return bindDelete({ ...(body as DeleteStmt), ...withClause }, binder, tableLookup(ctx));
    default: throw unsupported(`${kind} in WITH`);
  }
}
