/**
 * Runs a logical plan in two phases: `fetchScans` reads every table the plan (and its
 * subqueries) scans through KV, at the statement's snapshot; `runRel` then evaluates the plan
 * synchronously over those rows, which keeps correlated subqueries and joins free of per-row IO.
 */
import { PgError } from '../errors/pg-error.js';
import { accumulate, asArgs } from '../functions/function-types.js';
import type { EvalContext } from '../functions/eval-context.js';
import type { CteDefinition, RelExpr } from '../plan/rel-expr.js';
import type { AggregateCall, ScalarExpr, SortKey } from '../plan/scalar-expr.js';
import type { SqlKvTxn } from '../session/sql-kv.js';
import { comparatorFor, equalityKey } from '../types/compare.js';
import type { SqlType } from '../types/sql-type.js';
import { SqlRecord, type Value } from '../types/value.js';
import { evalScalar, type EvalEnv } from './eval-scalar.js';
import { execLimits } from './limits.js';
import { runWindow } from './run-window.js';
import { decodeStoredRow, readAllRows, readRowsByPrefix, type StoredRow } from './table-reader.js';

type ScanNode = Extract<RelExpr, { kind: 'scan' }>;

export interface RunEnv extends EvalEnv {
  readonly scans: ReadonlyMap<ScanNode, readonly StoredRow[]>;
  readonly cteCache: Map<number, Value[][]>;
  readonly subqueryCache: WeakMap<RelExpr, Value[][]>;
}

/** Every scan reachable from a plan, subqueries and WITH queries included. */
function collectScans(root: unknown, out: Set<ScanNode>, seen: Set<unknown>): void {
  if (root === null || typeof root !== 'object' || seen.has(root)) return;
  seen.add(root);
  if (Array.isArray(root)) {
    for (const item of root) collectScans(item, out, seen);
    return;
  }
  const record = root as { kind?: unknown; table?: unknown };
  if (record.kind === 'scan' && record.table !== undefined) out.add(root as ScanNode);
  for (const [key, value] of Object.entries(root)) {
    if (key === 'table' || key === 'impl' || key === 'aggregate' || key === 'cast') continue;
    collectScans(value, out, seen);
  }
}

export async function fetchScans(txn: SqlKvTxn, plans: readonly unknown[]): Promise<Map<ScanNode, readonly StoredRow[]>> {
  const scans = new Set<ScanNode>();
  const seen = new Set<unknown>();
  for (const plan of plans) collectScans(plan, scans, seen);
  const out = new Map<ScanNode, readonly StoredRow[]>();
  const byTable = new Map<number, readonly StoredRow[]>();
  for (const scan of scans) {
    if (scan.constraint.kind === 'points') {
      const rows = await readRowsByPrefix(txn, scan.table, scan.constraint.index, scan.constraint.keys);
      out.set(scan, scan.lockForUpdate ? await lockRows(txn, scan, rows) : rows);
      continue;
    }
    let rows = byTable.get(scan.table.id);
    if (rows === undefined) {
      rows = await readAllRows(txn, scan.table);
      byTable.set(scan.table.id, rows);
    }
    out.set(scan, scan.lockForUpdate ? await lockRows(txn, scan, rows) : rows);
  }
  return out;
}

/** Locks the rows a FOR UPDATE scan read and answers them as they are once locked. */
async function lockRows(txn: SqlKvTxn, scan: ScanNode, rows: readonly StoredRow[]): Promise<StoredRow[]> {
  const values = await txn.lockForUpdate(rows.map((r) => r.key), scan.lockShared === true ? 'shared' : 'exclusive');
  const out: StoredRow[] = [];
  rows.forEach((r, i) => {
    const value = values[i];
    if (value !== undefined) out.push({ key: r.key, row: decodeStoredRow(scan.table, r.key, value) });
  });
  return out;
}

export function makeRunEnv(ctx: EvalContext, scans: ReadonlyMap<ScanNode, readonly StoredRow[]>, params: readonly Value[]): RunEnv {
  const env: RunEnv = {
    ctx, outer: [], params, scans, cteCache: new Map(), subqueryCache: new WeakMap(),
    runSubquery: (plan, outerRow) => runSubquery(env, plan, outerRow),
  };
  return env;
}

function isCorrelated(plan: RelExpr): boolean {
  let found = false;
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if ((node as { kind?: unknown }).kind === 'outer') {
      found = true;
      return;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'table') walk(value);
  };
  walk(plan);
  return found;
}

function runSubquery(env: RunEnv, plan: RelExpr, outerRow: readonly Value[]): Value[][] {
  const cached = env.subqueryCache.get(plan);
  if (cached !== undefined) return cached;
  const inner: RunEnv = { ...env, outer: [...env.outer, outerRow] };
  const rows = runRel(plan, { ...inner, runSubquery: (p, r) => runSubquery(inner, p, r) });
  if (!isCorrelated(plan)) env.subqueryCache.set(plan, rows);
  return rows;
}

export function runRel(plan: RelExpr, env: RunEnv): Value[][] {
  switch (plan.kind) {
    case 'scan': {
      const rows = env.scans.get(plan);
      if (rows === undefined) throw new PgError('XX000', `scan of ${plan.table.name} was not fetched`);
      return rows.map((r) => r.row);
    }
    case 'values': return plan.rows.map((row) => row.map((e) => evalScalar(e, [], env)));
    case 'filter': return runRel(plan.input, env).filter((row) => evalScalar(plan.predicate, row, env) === true);
    case 'project': {
      const rows = runRel(plan.input, env);
      if (!plan.exprs.some((e) => e.kind === 'srfCall')) return rows.map((row) => plan.exprs.map((e) => evalScalar(e, row, env)));
      return rows.flatMap((row) => projectSet(plan.exprs, row, env));
    }
    case 'join': return runJoin(plan, env);
    case 'aggregate': return runAggregate(plan, env);
    case 'window': return runWindow(plan, runRel(plan.input, env), env);
    case 'sort': return sortRows(runRel(plan.input, env), plan.keys, env);
    case 'limit': {
      const rows = runRel(plan.input, env);
      const offset = plan.offset === undefined ? 0n : countValue(evalScalar(plan.offset, [], env), 'OFFSET');
      const limit = plan.limit === undefined ? undefined : countValue(evalScalar(plan.limit, [], env), 'LIMIT');
      const start = Number(offset > BigInt(rows.length) ? BigInt(rows.length) : offset);
      const end = limit === undefined ? rows.length : Math.min(rows.length, start + Number(limit > BigInt(rows.length) ? BigInt(rows.length) : limit));
      return rows.slice(start, end);
    }
    case 'distinct': return runDistinct(plan, env);
    case 'setop': return runSetOp(plan, env);
    case 'cteRef': return runCte(plan.cte, env);
    case 'srf': {
      const args = plan.args.map((a) => evalScalar(a, [], env));
      if (args.some((a) => a === null)) return [];
      const call = { ctx: env.ctx, argTypes: plan.args.map((a) => a.type), returnType: plan.returnType };
      const out: Value[][] = [];
      let n = 0n;
      for (const value of plan.impl(asArgs(args), call)) {
        const fields: Value[] = plan.fieldCount === undefined ? [value instanceof SqlRecord && value.fields.length === 1 ? (value.fields[0] ?? null) : value]
          : value instanceof SqlRecord ? [...value.fields] : new Array<Value>(plan.fieldCount).fill(null);
        out.push(plan.ordinality ? [...fields, ++n] : fields);
      }
      return out;
    }
  }
}

/** A SELECT list with set-returning functions: one output row per value of the longest. */
function projectSet(exprs: readonly ScalarExpr[], row: readonly Value[], env: RunEnv): Value[][] {
  const series = exprs.map((e) => {
    if (e.kind !== 'srfCall') return undefined;
    const args = e.args.map((a) => evalScalar(a, row, env));
    if (args.some((a) => a === null)) return [];
    // A function with one output column may answer it as a one-field record.
    return [...e.impl(asArgs(args), { ctx: env.ctx, argTypes: e.args.map((a) => a.type), returnType: e.type })]
      .map((v) => (v instanceof SqlRecord && v.fields.length === 1 ? (v.fields[0] ?? null) : v));
  });
  const count = Math.max(0, ...series.map((s) => s?.length ?? 0));
  const out: Value[][] = [];
  for (let i = 0; i < count; i++) {
    out.push(exprs.map((e, j) => {
      const values = series[j];
      return values === undefined ? evalScalar(e, row, env) : (values[i] ?? null);
    }));
  }
  return out;
}

function countValue(value: Value, clause: string): bigint {
  if (value === null) return clause === 'OFFSET' ? 0n : 2n ** 62n;
  const n = BigInt(value as bigint);
  if (n < 0n) throw new PgError(clause === 'OFFSET' ? '2201X' : '2201W', `${clause} must not be negative`);
  return n;
}

function rowKey(row: readonly Value[], types: readonly SqlType[]): string {
  return row.map((v, i) => (v === null ? '\u0000null' : `${typeof v}:${String(equalityKey(v, types[i] ?? { oid: 25, typmod: -1 }))}`)).join('\u0001');
}

function runJoin(plan: Extract<RelExpr, { kind: 'join' }>, env: RunEnv): Value[][] {
  const left = runRel(plan.left, env);
  const leftWidth = plan.left.columns.length;
  const rightWidth = plan.right.columns.length;
  const nullsLeft: Value[] = new Array<Value>(leftWidth).fill(null);
  const nullsRight: Value[] = new Array<Value>(rightWidth).fill(null);
  const out: Value[][] = [];
  const staticRight = plan.lateral ? undefined : runRel(plan.right, env);
  const rightMatched = new Set<number>();
  for (const l of left) {
    const right = staticRight ?? runSubquery({ ...env, subqueryCache: new WeakMap() }, plan.right, l);
    let matched = false;
    right.forEach((r, index) => {
      const row = [...l, ...r];
      if (plan.on !== undefined && evalScalar(plan.on, row, env) !== true) return;
      matched = true;
      rightMatched.add(index);
      out.push(row);
    });
    if (!matched && (plan.joinType === 'left' || plan.joinType === 'full')) out.push([...l, ...nullsRight]);
  }
  if ((plan.joinType === 'right' || plan.joinType === 'full') && staticRight !== undefined) {
    staticRight.forEach((r, index) => {
      if (!rightMatched.has(index)) out.push([...nullsLeft, ...r]);
    });
  }
  return out;
}

interface Group {
  readonly keyValues: Value[];
  readonly firstRow: readonly Value[];
  readonly states: unknown[];
  readonly distinctSeen: (Set<string> | undefined)[];
  readonly orderedArgs: (Value[][] | undefined)[];
}

function runAggregate(plan: Extract<RelExpr, { kind: 'aggregate' }>, env: RunEnv): Value[][] {
  const rows = runRel(plan.input, env);
  const groups = new Map<string, Group>();
  const groupTypes = plan.groupBy.map((g) => g.type);
  const newGroup = (keyValues: Value[], firstRow: readonly Value[]): Group => ({
    keyValues,
    firstRow,
    states: plan.aggregates.map((a) => a.aggregate.initial()),
    distinctSeen: plan.aggregates.map((a) => (a.distinct ? new Set<string>() : undefined)),
    orderedArgs: plan.aggregates.map((a) => (a.orderBy.length > 0 ? [] : undefined)),
  });
  for (const row of rows) {
    const keyValues = plan.groupBy.map((g) => evalScalar(g, row, env));
    const key = rowKey(keyValues, groupTypes);
    let group = groups.get(key);
    if (group === undefined) {
      group = newGroup(keyValues, row);
      groups.set(key, group);
    }
    plan.aggregates.forEach((call, i) => addToGroup(group as Group, call, i, row, env));
  }
  if (groups.size === 0 && plan.scalar) groups.set('', newGroup([], []));
  return [...groups.values()].map((group) => [
    ...group.keyValues,
    ...plan.aggregates.map((call, i) => finishAggregate(group, call, i, env)),
    ...(plan.carried ?? []).map((e) => evalScalar(e, group.firstRow, env)),
  ]);
}

function addToGroup(group: Group, call: AggregateCall, i: number, row: readonly Value[], env: RunEnv): void {
  if (call.filter !== undefined && evalScalar(call.filter, row, env) !== true) return;
  const args = call.args.map((a) => evalScalar(a, row, env));
  if (call.distinct) {
    if (call.aggregate.strict && args.some((a) => a === null)) return;
    const key = rowKey(args, call.args.map((a) => a.type));
    const seen = group.distinctSeen[i];
    if (seen?.has(key) === true) return;
    seen?.add(key);
  }
  const ordered = group.orderedArgs[i];
  if (ordered !== undefined) {
    ordered.push([...args, ...call.orderBy.map((k) => evalScalar(k.expr, row, env))]);
    return;
  }
  group.states[i] = accumulate(call.aggregate, group.states[i], args, env.ctx);
}

function finishAggregate(group: Group, call: AggregateCall, i: number, env: RunEnv): Value {
  const ordered = group.orderedArgs[i];
  if (ordered !== undefined) {
    const width = call.args.length;
    const keys = call.orderBy.map((k, j) => ({ ...k, expr: { kind: 'column', type: k.expr.type, index: width + j } as ScalarExpr }));
    for (const entry of sortRows(ordered, keys, env)) {
      group.states[i] = accumulate(call.aggregate, group.states[i], entry.slice(0, width), env.ctx);
    }
  }
  return call.aggregate.final(group.states[i], env.ctx);
}

export function sortRows(rows: Value[][], keys: readonly SortKey[], env: RunEnv): Value[][] {
  const comparators = keys.map((k) => comparatorFor(k.expr.type.oid));
  const decorated = rows.map((row, position) => ({ row, position, values: keys.map((k) => evalScalar(k.expr, row, env)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as SortKey;
      const x = a.values[i] ?? null;
      const y = b.values[i] ?? null;
      if (x === null && y === null) continue;
      if (x === null) return key.nullsFirst ? -1 : 1;
      if (y === null) return key.nullsFirst ? 1 : -1;
      const c = (comparators[i] as (p: Value, q: Value) => number)(x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return a.position - b.position;
  });
  return decorated.map((d) => d.row);
}

function runDistinct(plan: Extract<RelExpr, { kind: 'distinct' }>, env: RunEnv): Value[][] {
  const rows = runRel(plan.input, env);
  const seen = new Set<string>();
  const types = plan.on === undefined ? plan.columns.map((c) => c.type) : plan.on.map((e) => e.type);
  return rows.filter((row) => {
    const values = plan.on === undefined ? row : plan.on.map((e) => evalScalar(e, row, env));
    const key = rowKey(values, types);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function runSetOp(plan: Extract<RelExpr, { kind: 'setop' }>, env: RunEnv): Value[][] {
  const types = plan.columns.map((c) => c.type);
  const left = runRel(plan.left, env);
  const right = runRel(plan.right, env);
  if (plan.op === 'union') {
    if (plan.all) return [...left, ...right];
    const seen = new Set<string>();
    return [...left, ...right].filter((row) => {
      const key = rowKey(row, types);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const counts = new Map<string, number>();
  for (const row of right) {
    const key = rowKey(row, types);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out: Value[][] = [];
  const emitted = new Set<string>();
  for (const row of left) {
    const key = rowKey(row, types);
    const n = counts.get(key) ?? 0;
    if (plan.op === 'intersect') {
      if (n === 0) continue;
      if (plan.all) counts.set(key, n - 1);
      else if (emitted.has(key)) continue;
      emitted.add(key);
      out.push(row);
    } else {
      if (plan.all) {
        if (n > 0) {
          counts.set(key, n - 1);
          continue;
        }
        out.push(row);
      } else {
        if (n > 0 || emitted.has(key)) continue;
        emitted.add(key);
        out.push(row);
      }
    }
  }
  return out;
}

function runCte(cte: CteDefinition, env: RunEnv): Value[][] {
  const cached = env.cteCache.get(cte.id);
  if (cached !== undefined) return cached;
  if (cte.plan !== undefined) {
    const rows = runRel(cte.plan, env);
    env.cteCache.set(cte.id, rows);
    return rows;
  }
  const recursive = cte.recursive;
  if (recursive === undefined) throw new PgError('XX000', `WITH query ${cte.name} has no plan`);
  const types = cte.columns.map((c) => c.type);
  const seen = new Set<string>();
  const keep = (rows: Value[][]): Value[][] => recursive.all ? rows : rows.filter((row) => {
    const key = rowKey(row, types);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const all: Value[][] = keep(runRel(recursive.initial, env));
  let working = all.slice();
  for (let iteration = 0; working.length > 0; iteration++) {
    if (iteration >= execLimits.recursiveCteIterationsMax) {
      throw new PgError('54000', 'recursive query ran too long', { detail: `recursiveCteIterationsMax: ${execLimits.recursiveCteIterationsMax}` });
    }
    env.cteCache.set(cte.id, working);
    const next = keep(runRel(recursive.step, { ...env, subqueryCache: new WeakMap() }));
    all.push(...next);
    working = next;
  }
  env.cteCache.set(cte.id, all);
  return all;
}
