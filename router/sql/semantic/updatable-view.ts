/**
 * INSERT, UPDATE and DELETE on a simple view (manual, CREATE VIEW, "Updatable Views"): a view
 * over one table whose columns are plain columns of it, without aggregates, DISTINCT, set
 * operations, LIMIT or window functions, is rewritten into the statement on its table, with the
 * view's WHERE added to UPDATE and DELETE.
 */
import type { DeleteStmt, InsertStmt, Node, RangeVar, ResTarget, SelectStmt, UpdateStmt } from '@pgsql/types';
import type { ViewDescriptor } from '../catalog/descriptors.js';
import { PgError } from '../errors/pg-error.js';
import type { StatementContext } from '../session/statement-context.js';
import { nodeKind, stringsOf } from './bind-scalar.js';
import { loadTable, loadView } from './table-prefetch.js';

interface Simple {
  readonly base: RangeVar;
  /** View column name -> base column name. */
  readonly columns: ReadonlyMap<string, string>;
  readonly where: Node | undefined;
}

function notUpdatable(view: ViewDescriptor, why: string): PgError {
  return new PgError('55000', `cannot update view "${view.name}"`, {
    detail: why, hint: 'To enable updating the view, provide an INSTEAD OF UPDATE trigger or an unconditional ON UPDATE DO INSTEAD rule.',
  });
}

function simpleView(view: ViewDescriptor): Simple {
  const [kind, body] = nodeKind(view.query);
  const select = body as SelectStmt;
  if (kind !== 'SelectStmt' || (select.op !== undefined && select.op !== 'SETOP_NONE')) throw notUpdatable(view, 'Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.');
  if ((select.groupClause?.length ?? 0) > 0 || JSON.stringify(select.targetList ?? []).includes('"FuncCall"')) {
    throw notUpdatable(view, 'Views that return aggregate functions are not automatically updatable.');
  }
  if (select.distinctClause !== undefined) throw notUpdatable(view, 'Views containing DISTINCT are not automatically updatable.');
  if (select.limitCount !== undefined || select.limitOffset !== undefined) throw notUpdatable(view, 'Views containing LIMIT or OFFSET are not automatically updatable.');
  const from = select.fromClause ?? [];
  const first = from[0];
  if (from.length !== 1 || first === undefined || nodeKind(first)[0] !== 'RangeVar') {
    throw notUpdatable(view, 'Views that do not select from a single table or view are not automatically updatable.');
  }
  const base = nodeKind(first)[1] as RangeVar;
  const columns = new Map<string, string>();
  let position = 0;
  for (const item of select.targetList ?? []) {
    const target = nodeKind(item)[1] as ResTarget;
    if (target.val === undefined || nodeKind(target.val)[0] !== 'ColumnRef') {
      throw notUpdatable(view, 'Views that return columns that are not columns of their base relation are not automatically updatable.');
    }
    const names = stringsOf((nodeKind(target.val)[1] as { fields?: Node[] }).fields);
    if (names.at(-1) === '*') return { base, columns: new Map(view.columnNames.map((n) => [n, n])), where: select.whereClause };
    const baseName = names.at(-1) ?? '';
    columns.set(view.columnNames[position] ?? baseName, baseName);
    position++;
  }
  return { base, columns, where: select.whereClause };
}

function renameTargets(list: readonly Node[] | undefined, simple: Simple, view: ViewDescriptor): Node[] | undefined {
  return list?.map((item) => {
    const target = nodeKind(item)[1] as ResTarget;
    if (target.name === undefined) return item;
    const baseName = simple.columns.get(target.name);
    if (baseName === undefined) throw new PgError('42703', `column "${target.name}" of relation "${view.name}" does not exist`);
    return { ResTarget: { ...target, name: baseName } };
  });
}

function and(a: Node | undefined, b: Node | undefined): Node | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { BoolExpr: { boolop: 'AND_EXPR', args: [a, b] } } as Node;
}

export interface RewrittenDml {
  readonly ast: Node;
  /** WITH CHECK OPTION: the condition written rows must meet, and the view's name. */
  readonly viewCheck?: { readonly view: string; readonly expr: Node };
}

/** The statement rewritten onto the view's table, or the statement itself when it names a table. */
export async function rewriteViewDml(ctx: StatementContext, ast: Node): Promise<RewrittenDml> {
  return rewrite(ctx, ast);
}

async function rewrite(ctx: StatementContext, ast: Node): Promise<RewrittenDml> {
  const [kind, body] = nodeKind(ast);
  const relation = (body as { relation?: RangeVar }).relation;
  if (relation === undefined) return { ast };
  if ((await loadTable(ctx, relation.schemaname, relation.relname ?? '')) !== undefined) return { ast };
  const view = await loadView(ctx, relation.schemaname, relation.relname ?? '');
  if (view === undefined) return { ast };
  const simple = simpleView(view);
  const check = view.checkOption === true && simple.where !== undefined ? { viewCheck: { view: view.name, expr: simple.where } } : {};
  const base: RangeVar = { ...simple.base, alias: { aliasname: relation.alias?.aliasname ?? simple.base.alias?.aliasname ?? view.name } };
  switch (kind) {
    case 'InsertStmt': {
      const stmt = body as InsertStmt;
      const cols = stmt.cols === undefined
        ? view.columnNames.map((n) => ({ ResTarget: { name: simple.columns.get(n) ?? n } }) as Node)
        : renameTargets(stmt.cols, simple, view);
      return { ast: { InsertStmt: { ...stmt, relation: { ...simple.base }, ...(cols === undefined ? {} : { cols }) } } as Node, ...check };
    }
    case 'UpdateStmt': {
      const stmt = body as UpdateStmt;
      const targetList = renameTargets(stmt.targetList, simple, view);
      const where = and(simple.where, stmt.whereClause);
      return { ast: { UpdateStmt: { ...stmt, relation: base, ...(targetList === undefined ? {} : { targetList }), ...(where === undefined ? {} : { whereClause: where }) } } as Node, ...check };
    }
    case 'DeleteStmt': {
      const stmt = body as DeleteStmt;
      const where = and(simple.where, stmt.whereClause);
      return { ast: { DeleteStmt: { ...stmt, relation: base, ...(where === undefined ? {} : { whereClause: where }) } } as Node };
    }
    default:
      return { ast };
  }
}
