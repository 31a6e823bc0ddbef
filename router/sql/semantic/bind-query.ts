/**
 * Queries (SELECT, VALUES, set operations, WITH) to logical plans, following PostgreSQL's
 * transformSelectStmt: FROM, WHERE, GROUP BY / aggregates / HAVING, the target list, DISTINCT,
 * ORDER BY (output names and ordinals first, then input expressions), LIMIT / OFFSET.
 */
import type { CommonTableExpr, Node, ResTarget, SelectStmt, WithClause } from '@pgsql/types';
import { DuplicateAlias } from '../session/pending-sqlstates.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import type { EvalContext } from '../functions/eval-context.js';
import type { CteDefinition, OutputColumn, RelExpr } from '../plan/rel-expr.js';
import { exprFingerprint, type ScalarExpr, type SortKey } from '../plan/scalar-expr.js';
import { selectCommonType } from '../types/common-type.js';
import { formatType } from '../types/typmod.js';
import { Oid } from '../types/oids.js';
import { T, type SqlType } from '../types/sql-type.js';
import type { SequenceBinding } from './bind-sequence.js';
import type { BindContext, GroupingState, WindowState } from './bind-context.js';
import { hasWindowCall, placeWindowColumns, windowClauseMap } from './bind-window.js';
import { bindFromList, type TableLookup, type ViewLookup } from './bind-from.js';
import { bindBoolean, bindExpr, coerce, coerceToCommon, isAggregateName, nodeKind, resolveUnknown, sortKeyOf, stringsOf } from './bind-scalar.js';
import { Scope, type ScopeColumn } from './scope.js';

export interface QueryEnv {
  readonly lookupTable: TableLookup;
  readonly lookupView?: ViewLookup;
  readonly evalCtx: EvalContext;
  readonly params: SqlType[];
  readonly sequences?: SequenceBinding;
  /** How many parameter values the statement was given (undefined while preparing). */
  readonly paramCount?: number;
  /**
   * Data-modifying WITH queries (INSERT/UPDATE/DELETE ... RETURNING), run by the caller: their
   * RETURNING columns, and the plan their rows are read from once they have run.
   */
  readonly modifyingCtes?: ReadonlyMap<Node, RelExpr>;
}

let cteCounter = 0;

export class QueryBinder {
  /** True while binding the leaves of a set operation, whose unknown literals stay unknown. */
  private keepUnknownTargets = false;

  constructor(private readonly env: QueryEnv) {}

  context(scope: Scope, clause: string): BindContext {
    return {
      scope, evalCtx: this.env.evalCtx, grouping: undefined, windows: undefined, clause, params: this.env.params, sequences: this.env.sequences, paramCount: this.env.paramCount,
      bindSubquery: (ast, outer) => this.bindQuery(ast, outer),
    };
  }

  /** Binds a query node (a SelectStmt) with `outer` as the enclosing scope. */
  bindQuery(ast: Node, outer: Scope | undefined): RelExpr {
    const [kind, body] = nodeKind(ast);
    if (kind !== 'SelectStmt') throw unsupported(`${kind} as a subquery`);
    return this.bindSelect(body as SelectStmt, outer ?? Scope.empty(undefined, new Map()));
  }

  bindSelect(stmt: SelectStmt, outer: Scope): RelExpr {
    const scope = stmt.withClause === undefined ? outer : this.bindWith(stmt.withClause, outer);
    let plan: RelExpr;
    if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') {
      if (stmt.lockingClause !== undefined) throw new PgError('0A000', 'FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT');
      plan = this.bindSetOp(stmt, scope);
      return this.orderAndLimit(plan, stmt, scope);
    }
    if (stmt.valuesLists !== undefined) {
      plan = this.bindValues(stmt.valuesLists, scope);
      return this.orderAndLimit(plan, stmt, scope);
    }
    return this.bindSimpleSelect(stmt, scope);
  }

  /** The scope a data-modifying statement's WITH clause makes (empty without one). */
  withScope(withClause: WithClause | undefined): Scope {
    const empty = Scope.empty(undefined, new Map());
    return withClause === undefined ? empty : this.bindWith(withClause, empty);
  }

  private bindWith(withClause: WithClause, outer: Scope): Scope {
    const ctes = new Map<string, CteDefinition>();
    let scope = new Scope([], outer, ctes);
    for (const node of withClause.ctes ?? []) {
      const [, body] = nodeKind(node);
      const cte = body as CommonTableExpr;
      const name = cte.ctename ?? '';
      if (ctes.has(name)) throw new PgError(DuplicateAlias, `WITH query name "${name}" specified more than once`);
      const definition: CteDefinition = { name, plan: undefined, recursive: undefined, columns: [], id: ++cteCounter };
      const aliases = stringsOf(cte.aliascolnames);
      if (cte.ctequery === undefined) throw new PgError('XX000', 'WITH query without a body');
      const [qkind, qbody] = nodeKind(cte.ctequery);
      const select = qkind === 'SelectStmt' ? (qbody as SelectStmt) : undefined;
      if (select === undefined) {
        const modifying = this.env.modifyingCtes?.get(cte.ctequery);
        if (modifying === undefined) throw unsupported(`${qkind} in WITH here`);
        definition.plan = modifying;
        definition.columns = modifying.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type }));
        ctes.set(name, definition);
        scope = new Scope([], outer, ctes);
        continue;
      }
      const selfReferences = countReferences(select, name);
      if (withClause.recursive === true && selfReferences > 0 && !(select.op === 'SETOP_UNION' && select.larg !== undefined && select.rarg !== undefined)) {
        throw new PgError('42P19', `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`);
      }
      if (withClause.recursive === true && select.op === 'SETOP_UNION' && select.larg !== undefined && select.rarg !== undefined && selfReferences > 0) {
        checkRecursiveTerms(name, select.larg, select.rarg);
        const initial = this.bindSelect(select.larg, scope);
        definition.columns = initial.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type }));
        ctes.set(name, definition);
        scope = new Scope([], outer, ctes);
        const rawStep = this.bindSelect(select.rarg, scope);
        rawStep.columns.forEach((c, i) => {
          const initialType = definition.columns[i]?.type;
          if (initialType === undefined || c.type.oid === initialType.oid || c.type.oid === Oid.unknown) return;
          const overall = selectCommonType([initialType, c.type], 'UNION');
          if (overall.oid !== initialType.oid) {
            throw new PgError('42804', `recursive query "${name}" column ${i + 1} has type ${formatType(initialType)} in non-recursive term but type ${formatType(overall)} overall`, {
              hint: 'Cast the output of the non-recursive term to the correct type.',
            });
          }
        });
        const step = this.coerceColumns(rawStep, definition.columns.map((c) => c.type));
        definition.recursive = { initial, step, all: select.all === true };
      } else {
        const plan = this.bindSelect(select, scope);
        if (aliases.length > plan.columns.length) {
          throw new PgError('42P10', `WITH query "${name}" has ${plan.columns.length} columns available but ${aliases.length} columns specified`);
        }
        definition.plan = plan;
        definition.columns = plan.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type }));
        ctes.set(name, definition);
      }
      scope = new Scope([], outer, ctes);
    }
    return scope;
  }

  private coerceColumns(plan: RelExpr, types: readonly SqlType[]): RelExpr {
    if (plan.columns.every((c, i) => c.type.oid === types[i]?.oid)) return plan;
    const ctx = this.context(Scope.empty(undefined, new Map()), 'set operation');
    const exprs = plan.columns.map((c, i) => coerce({ kind: 'column', type: c.type, index: i }, types[i] ?? c.type, 'implicit', ctx));
    return { kind: 'project', columns: plan.columns.map((c, i) => ({ name: c.name, type: types[i] ?? c.type })), input: plan, exprs };
  }

  private bindSetOp(stmt: SelectStmt, scope: Scope): RelExpr {
    if (stmt.larg === undefined || stmt.rarg === undefined) throw new PgError('XX000', 'set operation without sides');
    // A leaf's unknown literals take the type the set operation resolves (SELECT 1 UNION SELECT '2').
    const saved = this.keepUnknownTargets;
    this.keepUnknownTargets = true;
    let left: RelExpr;
    let right: RelExpr;
    try {
      left = this.bindSelect(stmt.larg, scope);
      right = this.bindSelect(stmt.rarg, scope);
    } finally {
      this.keepUnknownTargets = saved;
    }
    const opName = stmt.op === 'SETOP_UNION' ? 'UNION' : stmt.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
    if (left.columns.length !== right.columns.length) {
      throw new PgError('42601', `each ${opName} query must have the same number of columns`);
    }
    const types = left.columns.map((c, i) => {
      const r = right.columns[i];
      const ts = r === undefined ? [c.type] : [c.type, r.type];
      const common = selectCommonType(ts, opName);
      return common.oid === Oid.unknown ? T.text : common;
    });
    const op = stmt.op === 'SETOP_UNION' ? 'union' : stmt.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
    const columns = left.columns.map((c, i) => ({ name: c.name, type: types[i] ?? c.type }));
    return { kind: 'setop', columns, op, all: stmt.all === true, left: this.coerceColumns(left, types), right: this.coerceColumns(right, types) };
  }

  private bindValues(lists: readonly Node[], outer: Scope): RelExpr {
    // VALUES has no FROM: names reach the enclosing query (a LATERAL VALUES reads its row).
    const ctx = this.context(new Scope([], outer, outer.ctes), 'VALUES');
    const rows = lists.map((list) => {
      const [, body] = nodeKind(list);
      return ((body as { items?: Node[] }).items ?? []).map((n) => bindExpr(n, ctx));
    });
    const width = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== width)) throw new PgError('42601', 'VALUES lists must all be the same length');
    const columns: OutputColumn[] = [];
    const coercedRows: ScalarExpr[][] = rows.map(() => []);
    for (let c = 0; c < width; c++) {
      const column = coerceToCommon(rows.map((r) => r[c] as ScalarExpr), 'VALUES', ctx).map((e) => resolveUnknown(e, ctx));
      column.forEach((e, r) => coercedRows[r]?.push(e));
      columns.push({ name: `column${c + 1}`, type: column[0]?.type ?? T.text });
    }
    return { kind: 'values', columns, rows: coercedRows };
  }

  private bindSimpleSelect(stmt: SelectStmt, outer: Scope): RelExpr {
    const keepUnknown = this.keepUnknownTargets;
    this.keepUnknownTargets = false;
    try {
      return this.bindSimpleSelectInner(stmt, outer, keepUnknown);
    } finally {
      this.keepUnknownTargets = keepUnknown;
    }
  }

  private bindSimpleSelectInner(stmt: SelectStmt, outer: Scope, keepUnknown: boolean): RelExpr {
    const targetOf = (e: ScalarExpr, ctx: BindContext): ScalarExpr => (keepUnknown && e.kind === 'const' ? e : resolveUnknown(e, ctx));
    const fromCtx = this.context(outer, 'FROM');
    const from = bindFromList(stmt.fromClause ?? [], { lookupTable: this.env.lookupTable, ...(this.env.lookupView === undefined ? {} : { lookupView: this.env.lookupView }), ctx: fromCtx });
    const scope = new Scope(from.columns, outer, outer.ctes, from.starOrder);
    let plan = from.plan;
    if (stmt.whereClause !== undefined) {
      const predicate = bindBoolean(stmt.whereClause, this.context(scope, 'WHERE'), 'WHERE');
      plan = { kind: 'filter', columns: plan.columns, input: plan, predicate };
    }
    const targets = this.expandTargets(stmt.targetList ?? [], scope);
    const needsGrouping = (stmt.groupClause?.length ?? 0) > 0 || stmt.havingClause !== undefined ||
      targets.some((t) => hasAggregate(t.node)) || (stmt.sortClause ?? []).some((s) => hasAggregate(s));
    if (stmt.lockingClause !== undefined && stmt.distinctClause !== undefined) {
      throw new PgError('0A000', `${JSON.stringify(stmt.lockingClause).includes('LCS_FORSHARE') ? 'FOR SHARE' : 'FOR UPDATE'} is not allowed with DISTINCT clause`);
    }
    for (const node of stmt.lockingClause ?? []) {
      for (const rel of (nodeKind(node)[1] as { lockedRels?: Node[] }).lockedRels ?? []) {
        const name = (nodeKind(rel)[1] as { relname?: string }).relname ?? '';
        if (!scope.hasTable(name)) throw new PgError('42P01', `relation "${name}" in FOR UPDATE clause not found in FROM clause`);
      }
    }
    if (stmt.lockingClause !== undefined && needsGrouping) {
      const strength = JSON.stringify(stmt.lockingClause).includes('LCS_FORSHARE') ? 'FOR SHARE' : 'FOR UPDATE';
      throw new PgError('0A000', `${strength} is not allowed with ${(stmt.groupClause?.length ?? 0) > 0 ? 'GROUP BY clause' : 'aggregate functions'}`);
    }
    let ctx = this.context(scope, 'SELECT');
    const windows: WindowState | undefined = hasWindowCall(stmt.targetList) || hasWindowCall(stmt.sortClause)
      ? { calls: [], named: windowClauseMap(stmt.windowClause), firstIndex: WINDOW_PLACEHOLDER_INDEX, refs: [] }
      : undefined;
    if (windows !== undefined) ctx = { ...ctx, windows };
    if (needsGrouping) {
      const grouping = this.bindGroupBy(stmt, scope, targets);
      ctx = { ...ctx, grouping };
      let having: ScalarExpr | undefined;
      if (stmt.havingClause !== undefined) having = bindBoolean(stmt.havingClause, { ...ctx, windows: undefined, clause: 'HAVING' }, 'HAVING');
      const boundTargets = targets.map((t) => (t.expr !== undefined ? t : { ...t, expr: targetOf(bindExpr(t.node, ctx), ctx) }));
      const sortKeys = this.bindSortKeys(stmt, boundTargets, ctx);
      const carriedBase = grouping.groupExprs.length + grouping.aggregates.length;
      grouping.carriedRefs.forEach((ref, i) => {
        ref.index = carriedBase + i;
      });
      plan = {
        kind: 'aggregate', input: plan, groupBy: grouping.groupExprs, aggregates: grouping.aggregates, carried: grouping.carried,
        scalar: (stmt.groupClause?.length ?? 0) === 0,
        columns: [
          ...grouping.groupExprs.map((e, i) => ({ name: `group${i}`, type: e.type })),
          ...grouping.aggregates.map((a) => ({ name: a.aggregate.name, type: a.aggregate.returnType })),
          ...grouping.carried.map((e, i) => ({ name: `carried${i}`, type: e.type })),
        ],
      };
      if (having !== undefined) plan = { kind: 'filter', columns: plan.columns, input: plan, predicate: having };
      return this.finishSelect(withWindows(plan, windows), stmt, boundTargets, sortKeys, ctx);
    }
    const boundTargets = targets.map((t) => (t.expr !== undefined ? t : { ...t, expr: targetOf(bindExpr(t.node, ctx), ctx) }));
    const sortKeys = this.bindSortKeys(stmt, boundTargets, ctx);
    return this.finishSelect(withWindows(plan, windows), stmt, boundTargets, sortKeys, ctx);
  }

  private bindGroupBy(stmt: SelectStmt, scope: Scope, targets: readonly Target[]): GroupingState {
    const ctx = this.context(scope, 'GROUP BY');
    const groupExprs: ScalarExpr[] = [];
    for (const node of stmt.groupClause ?? []) {
      const expr = this.groupItem(node, ctx, targets);
      if (!groupExprs.some((g) => exprFingerprint(g) === exprFingerprint(expr))) groupExprs.push(expr);
    }
    return { inputScope: scope, groupExprs, groupKeys: groupExprs.map(exprFingerprint), aggregates: [], aggregateKeys: [], carried: [], carriedKeys: [], carriedRefs: [] };
  }

  private groupItem(node: Node, ctx: BindContext, targets: readonly Target[]): ScalarExpr {
    const [kind, body] = nodeKind(node);
    if (kind === 'A_Const' && (body as { ival?: unknown }).ival === undefined && (body as { isnull?: boolean }).isnull !== true) {
      throw new PgError('42601', 'non-integer constant in GROUP BY');
    }
    if (kind === 'A_Const' && (body as { ival?: { ival?: number } }).ival !== undefined) {
      const position = (body as { ival: { ival?: number } }).ival.ival ?? 0;
      const target = targets[position - 1];
      if (target === undefined) throw new PgError('42P10', `GROUP BY position ${position} is not in select list`);
      return resolveUnknown(target.expr ?? bindExpr(target.node, ctx), ctx);
    }
    if (kind === 'ColumnRef') {
      const names = stringsOf((body as { fields?: Node[] }).fields);
      if (names.length === 1) {
        const name = names[0] ?? '';
        if (ctx.scope.match(undefined, name).length === 0) {
          const target = targets.find((t) => t.name === name);
          if (target !== undefined) return resolveUnknown(target.expr ?? bindExpr(target.node, ctx), ctx);
        }
      }
    }
    return resolveUnknown(bindExpr(node, ctx), ctx);
  }

  private expandTargets(list: readonly Node[], scope: Scope): Target[] {
    const out: Target[] = [];
    for (const item of list) {
      const [, body] = nodeKind(item);
      const target = body as ResTarget;
      if (target.val === undefined) continue;
      const [vkind, vbody] = nodeKind(target.val);
      if (vkind === 'ColumnRef') {
        const names = stringsOf((vbody as { fields?: Node[] }).fields);
        if (names.at(-1) === '*') {
          const table = names.length >= 2 ? names[names.length - 2] : undefined;
          for (const column of scope.starColumns(table)) out.push(starTarget(column));
          continue;
        }
      }
      out.push({ node: target.val, name: target.name ?? columnNameOf(target.val), expr: undefined, source: undefined });
    }
    return out;
  }

  private bindSortKeys(stmt: SelectStmt, targets: readonly Target[], ctx: BindContext): { key: SortKey; target: number | undefined }[] {
    return (stmt.sortClause ?? []).map((node) => {
      const [, body] = nodeKind(node);
      const sortBy = body as { node?: Node; sortby_dir?: string; sortby_nulls?: string };
      if (sortBy.node === undefined) throw new PgError('XX000', 'ORDER BY without an expression');
      const [kind, inner] = nodeKind(sortBy.node);
      let target: number | undefined;
      if (kind === 'A_Const' && (inner as { ival?: unknown }).ival !== undefined) {
        const position = (inner as { ival: { ival?: number } }).ival.ival ?? 0;
        if (position < 1 || position > targets.length) throw new PgError('42P10', `ORDER BY position ${position} is not in select list`);
        target = position - 1;
      } else if (kind === 'ColumnRef') {
        const names = stringsOf((inner as { fields?: Node[] }).fields);
        if (names.length === 1) {
          const matches = targets.map((t, i) => (t.name === names[0] ? i : -1)).filter((i) => i >= 0);
          if (matches.length > 1) {
            const first = targets[matches[0] ?? 0];
            if (!matches.every((m) => exprFingerprint(targets[m]?.expr ?? first?.expr as ScalarExpr) === exprFingerprint(first?.expr as ScalarExpr))) {
              throw new PgError('42702', `ORDER BY "${names[0] ?? ''}" is ambiguous`);
            }
          }
          if (matches.length > 0) target = matches[0];
        }
      }
      if (target !== undefined) {
        const expr = targets[target]?.expr as ScalarExpr;
        return { key: sortKeyOf(expr, sortBy.sortby_dir, sortBy.sortby_nulls), target };
      }
      const expr = resolveUnknown(bindExpr(sortBy.node, { ...ctx, clause: 'ORDER BY' }), ctx);
      const fingerprint = exprFingerprint(expr);
      const same = targets.findIndex((t) => t.expr !== undefined && exprFingerprint(t.expr) === fingerprint);
      return { key: sortKeyOf(expr, sortBy.sortby_dir, sortBy.sortby_nulls), target: same >= 0 ? same : undefined };
    });
  }

  private finishSelect(input: RelExpr, stmt: SelectStmt, targets: readonly Target[], sortKeys: readonly { key: SortKey; target: number | undefined }[], ctx: BindContext): RelExpr {
    const distinct = stmt.distinctClause !== undefined;
    const distinctOn = (stmt.distinctClause ?? []).filter((n) => Object.keys(n).length > 0);
    const exprs = targets.map((t) => t.expr as ScalarExpr);
    const columns: OutputColumn[] = targets.map((t) => ({
      name: t.name, type: (t.expr as ScalarExpr).type,
      ...(t.source?.tableId === undefined ? {} : { tableId: t.source.tableId }),
      ...(t.source?.attnum === undefined ? {} : { columnAttnum: t.source.attnum }),
    }));
    // Sort keys not in the target list ride along as hidden columns and are cut off at the end.
    const keys: SortKey[] = [];
    const hidden: ScalarExpr[] = [];
    const hiddenIndex = (expr: ScalarExpr): number => {
      const fingerprint = exprFingerprint(expr);
      const found = hidden.findIndex((h) => exprFingerprint(h) === fingerprint);
      if (found >= 0) return exprs.length + found;
      hidden.push(expr);
      return exprs.length + hidden.length - 1;
    };
    for (const { key, target } of sortKeys) {
      if (target !== undefined) {
        keys.push({ ...key, expr: { kind: 'column', type: key.expr.type, index: target } });
        continue;
      }
      if (distinct && distinctOn.length === 0) {
        throw new PgError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list');
      }
      keys.push({ ...key, expr: { kind: 'column', type: key.expr.type, index: hiddenIndex(key.expr) } });
    }
    const onKeys: ScalarExpr[] = distinctOn.map((n) => {
      const expr = resolveUnknown(this.distinctOnItem(n, targets, ctx), ctx);
      const fingerprint = exprFingerprint(expr);
      let index = targets.findIndex((t) => exprFingerprint(t.expr as ScalarExpr) === fingerprint);
      if (index < 0) index = hiddenIndex(expr);
      return { kind: 'column', type: expr.type, index };
    });
    let plan: RelExpr = {
      kind: 'project', input,
      columns: [...columns, ...hidden.map((h, i) => ({ name: `sort${i}`, type: h.type }))],
      exprs: [...exprs, ...hidden],
    };
    if (distinctOn.length > 0) {
      for (let i = 0; i < Math.min(keys.length, onKeys.length); i++) {
        if (exprFingerprint(keys[i]?.expr as ScalarExpr) !== exprFingerprint(onKeys[i] as ScalarExpr) && keys.length > 0) {
          throw new PgError('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions');
        }
      }
      const sortKeysOn = [...onKeys.slice(keys.length).map((e) => sortKeyOf(e, undefined, undefined))];
      plan = { kind: 'sort', columns: plan.columns, input: plan, keys: [...keys, ...sortKeysOn] };
      plan = { kind: 'distinct', columns: plan.columns, input: plan, on: onKeys };
    } else {
      if (distinct) plan = { kind: 'distinct', columns: plan.columns, input: plan, on: undefined };
      if (keys.length > 0) plan = { kind: 'sort', columns: plan.columns, input: plan, keys };
    }
    plan = this.limit(plan, stmt, ctx.scope.parent);
    if (hidden.length > 0) {
      plan = { kind: 'project', columns, input: plan, exprs: columns.map((c, i) => ({ kind: 'column', type: c.type, index: i })) };
    }
    // FOR KEY SHARE conflicts only with changes of the key, which take their own locks: it
    // needs none here. FOR SHARE is shared; FOR [NO KEY] UPDATE exclusive.
    for (const node of stmt.lockingClause ?? []) {
      const clause = nodeKind(node)[1] as { strength?: string; lockedRels?: Node[] };
      const only = clause.lockedRels === undefined ? undefined : new Set(clause.lockedRels.map((r) => (nodeKind(r)[1] as { relname?: string }).relname ?? ''));
      if (clause.strength === 'LCS_FORUPDATE' || clause.strength === 'LCS_FORNOKEYUPDATE') plan = markLocking(plan, false, only);
      else if (clause.strength === 'LCS_FORSHARE') plan = markLocking(plan, true, only);
    }
    return plan;
  }

  private distinctOnItem(node: Node, targets: readonly Target[], ctx: BindContext): ScalarExpr {
    const [kind, body] = nodeKind(node);
    if (kind === 'A_Const' && (body as { ival?: unknown }).ival !== undefined) {
      const position = (body as { ival: { ival?: number } }).ival.ival ?? 0;
      const target = targets[position - 1];
      if (target === undefined) throw new PgError('42P10', `SELECT DISTINCT ON position ${position} is not in select list`);
      return target.expr as ScalarExpr;
    }
    if (kind === 'ColumnRef') {
      const names = stringsOf((body as { fields?: Node[] }).fields);
      const target = names.length === 1 ? targets.find((t) => t.name === names[0]) : undefined;
      if (target !== undefined) return target.expr as ScalarExpr;
    }
    return bindExpr(node, ctx);
  }

  /** ORDER BY and LIMIT over a set operation or VALUES: keys name output columns. */
  private orderAndLimit(input: RelExpr, stmt: SelectStmt, outer: Scope): RelExpr {
    let plan = input;
    if ((stmt.sortClause?.length ?? 0) > 0) {
      const columns: ScopeColumn[] = plan.columns.map((c, index) => ({ table: undefined, name: c.name, type: c.type, index, qualifiedOnly: false, hiddenFromStar: false }));
      const ctx = this.context(new Scope(columns, outer, outer.ctes), 'ORDER BY');
      const targets: Target[] = plan.columns.map((c, i) => ({ node: { A_Const: {} } as Node, name: c.name, expr: { kind: 'column', type: c.type, index: i }, source: undefined }));
      const keys = this.bindSortKeys(stmt, targets, ctx).map(({ key, target }) => {
        if (target === undefined && key.expr.kind !== 'column') throw unsupported('ORDER BY expressions over a set operation');
        return target === undefined ? key : { ...key, expr: { kind: 'column', type: key.expr.type, index: target } as ScalarExpr };
      });
      plan = { kind: 'sort', columns: plan.columns, input: plan, keys };
    }
    return this.limit(plan, stmt, outer);
  }

  /**
   * LIMIT and OFFSET may read the enclosing query's row (a LATERAL subquery's LIMIT a.n) but not
   * the query's own columns (42P10).
   */
  private limit(plan: RelExpr, stmt: SelectStmt, outer: Scope | undefined): RelExpr {
    if (stmt.limitCount === undefined && stmt.limitOffset === undefined) return plan;
    const ctx = this.context(new Scope([], outer, outer?.ctes ?? new Map()), 'LIMIT');
    const bindCount = (node: Node | undefined, clause: string): ScalarExpr | undefined => {
      if (node === undefined) return undefined;
      let expr: ScalarExpr;
      try {
        expr = bindExpr(node, { ...ctx, clause });
      } catch (err) {
        if (err instanceof PgError && err.code === '42703') throw new PgError('42P10', `argument of ${clause} must not contain variables`);
        throw err;
      }
      if (expr.kind === 'const' && expr.value === null) return undefined;
      // transformLimitClause coerces as an assignment would: LIMIT 2.5 rounds to 3.
      return coerce(expr, T.int8, 'assignment', ctx);
    };
    const limit = bindCount(stmt.limitCount, 'LIMIT');
    const offset = bindCount(stmt.limitOffset, 'OFFSET');
    return { kind: 'limit', columns: plan.columns, input: plan, limit, offset };
  }
}

/** How many times a query names `name` as a FROM item (a WITH query's references to itself). */
function countReferences(node: unknown, name: string): number {
  if (node === null || typeof node !== 'object') return 0;
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + countReferences(item, name), 0);
  const record = node as Record<string, unknown>;
  const here = typeof record['relname'] === 'string' && record['relname'] === name && record['schemaname'] === undefined ? 1 : 0;
  return here + Object.values(record).reduce((n: number, value) => n + countReferences(value, name), 0);
}

/** PostgreSQL's checks of a recursive WITH query's terms (checkWellFormedRecursion). */
function checkRecursiveTerms(name: string, initial: SelectStmt, step: SelectStmt): void {
  if (countReferences(initial, name) > 0) {
    throw new PgError('42P19', `recursive reference to query "${name}" must not appear within its non-recursive term`);
  }
  if (countReferences(step, name) > 1) throw new PgError('42P19', `recursive reference to query "${name}" must not appear more than once`);
  const outerJoin = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object') return false;
    if (Array.isArray(node)) return node.some(outerJoin);
    const record = node as Record<string, unknown>;
    const join = record['JoinExpr'] as { jointype?: string } | undefined;
    if (join !== undefined && join.jointype !== undefined && join.jointype !== 'JOIN_INNER' && countReferences(join, name) > 0) return true;
    return Object.values(record).some(outerJoin);
  };
  if (outerJoin(step.fromClause)) throw new PgError('42P19', `recursive reference to query "${name}" must not appear within an outer join`);
  if (hasAggregate(step.targetList) || hasAggregate(step.havingClause)) {
    throw new PgError('42P19', "aggregate functions are not allowed in a recursive query's recursive term");
  }
}

/** Window results are numbered from here until the input's width is known. */
const WINDOW_PLACEHOLDER_INDEX = 1_000_000_000;

function withWindows(input: RelExpr, windows: WindowState | undefined): RelExpr {
  if (windows === undefined || windows.calls.length === 0) return input;
  placeWindowColumns(windows.refs, input.columns.length);
  return {
    kind: 'window', input, calls: windows.calls,
    columns: [...input.columns, ...windows.calls.map((c, i) => ({ name: `window${i}`, type: windows.refs[i] === undefined ? T.text : (windows.refs[i] as { type?: SqlType }).type ?? T.text }))],
  };
}

interface Target {
  readonly node: Node;
  readonly name: string;
  readonly expr: ScalarExpr | undefined;
  readonly source: ScopeColumn | undefined;
}

function starTarget(column: ScopeColumn): Target {
  const expr: ScalarExpr = column.expr ?? { kind: 'column', type: column.type, index: column.index };
  return { node: { A_Const: {} } as Node, name: column.name, expr, source: column.expr === undefined ? column : undefined };
}

function hasAggregate(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasAggregate);
  const record = node as Record<string, unknown>;
  if (record['SubLink'] !== undefined) return false;
  const call = record['FuncCall'] as { funcname?: Node[]; over?: unknown } | undefined;
  if (call !== undefined && call.over === undefined && isAggregateName(stringsOf(call.funcname).at(-1) ?? '')) return true;
  return Object.values(record).some(hasAggregate);
}


/** PostgreSQL's FigureColname: the name a result column gets without an alias. */
export function columnNameOf(node: Node): string {
  const [kind, body] = nodeKind(node);
  switch (kind) {
    case 'ColumnRef': return stringsOf((body as { fields?: Node[] }).fields).at(-1) ?? '?column?';
    case 'FuncCall': return stringsOf((body as { funcname?: Node[] }).funcname).at(-1) ?? '?column?';
    case 'TypeCast': {
      const cast = body as { arg?: Node; typeName?: { names?: Node[] } };
      const inner = cast.arg === undefined ? '?column?' : columnNameOf(cast.arg);
      if (inner !== '?column?') return inner;
      const typeName = stringsOf(cast.typeName?.names).at(-1) ?? '?column?';
      return typeName === 'bpchar' ? 'bpchar' : typeName;
    }
    case 'CaseExpr': return 'case';
    case 'CoalesceExpr': return 'coalesce';
    case 'MinMaxExpr': return (body as { op?: string }).op === 'IS_GREATEST' ? 'greatest' : 'least';
    case 'A_Expr': return (body as { kind?: string }).kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?';
    case 'SubLink': {
      const link = body as { subLinkType?: string; subselect?: Node };
      if (link.subLinkType === 'EXISTS_SUBLINK') return 'exists';
      if (link.subLinkType === 'ARRAY_SUBLINK') return 'array';
      if (link.subLinkType === 'EXPR_SUBLINK' && link.subselect !== undefined) {
        const [, select] = nodeKind(link.subselect);
        const first = (select as SelectStmt).targetList?.[0];
        if (first !== undefined) {
          const [, target] = nodeKind(first);
          const t = target as ResTarget;
          return t.name ?? (t.val === undefined ? '?column?' : columnNameOf(t.val));
        }
      }
      return '?column?';
    }
    case 'A_ArrayExpr': return 'array';
    case 'SQLValueFunction': {
      const op = (body as { op?: string }).op ?? '';
      const names: Record<string, string> = {
        SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_LOCALTIMESTAMP: 'localtimestamp',
        SVFOP_CURRENT_USER: 'current_user', SVFOP_SESSION_USER: 'session_user', SVFOP_USER: 'current_user',
      };
      return names[op] ?? '?column?';
    }
    case 'BooleanTest':
    case 'NullTest':
    default:
      return '?column?';
  }
}

/** Marks the scans a locking clause locks: all of them, or those of the tables OF names. */
function markLocking(plan: RelExpr, shared: boolean, only: ReadonlySet<string> | undefined): RelExpr {
  switch (plan.kind) {
    case 'scan':
      if (only !== undefined && !only.has(plan.alias ?? plan.table.name)) return plan;
      return { ...plan, lockForUpdate: true, ...(shared ? { lockShared: true } : {}) };
    case 'filter':
    case 'project':
    case 'sort':
    case 'limit':
    case 'distinct':
      return { ...plan, input: markLocking(plan.input, shared, only) } as RelExpr;
    case 'join': return { ...plan, left: markLocking(plan.left, shared, only), right: markLocking(plan.right, shared, only) };
    default: return plan;
  }
}
