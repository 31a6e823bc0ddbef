/**
 * Window function calls (`f(...) OVER (...)`, manual 4.2.8): the function, its arguments, the
 * partition and order, and the frame decoded from PostgreSQL's frame option bits. A call becomes
 * a column of the window node's output, which follows the input's columns.
 */
import type { FuncCall, Node, WindowDef } from '@pgsql/types';
import { PgError } from '../errors/pg-error.js';
import { resolveFunction } from '../functions/resolve.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import type { FrameBound, WindowCall, WindowFrame } from '../plan/window.js';
import { T } from '../types/sql-type.js';
import type { BindContext } from './bind-context.js';
import { bindExpr, bindSortBy, coerce, nodeKind, resolveUnknown } from './bind-scalar.js';

/** PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h). */
const Frame = {
  range: 0x2, rows: 0x4, groups: 0x8,
  startUnboundedPreceding: 0x20, startUnboundedFollowing: 0x80, startCurrentRow: 0x200, startOffsetPreceding: 0x800, startOffsetFollowing: 0x2000,
  endUnboundedPreceding: 0x40, endUnboundedFollowing: 0x100, endCurrentRow: 0x400, endOffsetPreceding: 0x1000, endOffsetFollowing: 0x4000,
  excludeCurrentRow: 0x8000, excludeGroup: 0x10000, excludeTies: 0x20000,
} as const;

function bound(options: number, which: 'start' | 'end', offset: ScalarExpr | undefined): FrameBound {
  const bits = which === 'start'
    ? { up: Frame.startUnboundedPreceding, uf: Frame.startUnboundedFollowing, cur: Frame.startCurrentRow, op: Frame.startOffsetPreceding, of: Frame.startOffsetFollowing }
    : { up: Frame.endUnboundedPreceding, uf: Frame.endUnboundedFollowing, cur: Frame.endCurrentRow, op: Frame.endOffsetPreceding, of: Frame.endOffsetFollowing };
  if ((options & bits.up) !== 0) return { kind: 'unboundedPreceding' };
  if ((options & bits.uf) !== 0) return { kind: 'unboundedFollowing' };
  if ((options & bits.op) !== 0 && offset !== undefined) return { kind: 'preceding', offset };
  if ((options & bits.of) !== 0 && offset !== undefined) return { kind: 'following', offset };
  if ((options & bits.cur) !== 0) return { kind: 'currentRow' };
  return which === 'start' ? { kind: 'unboundedPreceding' } : { kind: 'currentRow' };
}

function frameOf(def: WindowDef, ctx: BindContext, orderType: ScalarExpr | undefined): WindowFrame {
  const options = def.frameOptions ?? 0x422;
  const mode = (options & Frame.rows) !== 0 ? 'rows' : (options & Frame.groups) !== 0 ? 'groups' : 'range';
  const offsetType = mode === 'range' ? (orderType?.type ?? T.int8) : T.int8;
  const offset = (node: Node | undefined): ScalarExpr | undefined => {
    if (node === undefined) return undefined;
    const expr = coerce(resolveUnknown(bindExpr(node, ctx), ctx), offsetType.oid === 1082 ? T.int4 : offsetType, 'implicit', ctx);
    return expr;
  };
  const exclude = (options & Frame.excludeCurrentRow) !== 0 ? 'currentRow' : (options & Frame.excludeGroup) !== 0 ? 'group' : (options & Frame.excludeTies) !== 0 ? 'ties' : 'noOthers';
  return { mode, start: bound(options, 'start', offset(def.startOffset)), end: bound(options, 'end', offset(def.endOffset)), exclude };
}

/** The window definition a call uses: its own, or a named one from the WINDOW clause it refers to. */
function effectiveDef(def: WindowDef, named: ReadonlyMap<string, WindowDef>): WindowDef {
  const refName = def.name ?? def.refname;
  if (refName === undefined) return def;
  const base = named.get(refName);
  if (base === undefined) throw new PgError('42704', `window "${refName}" does not exist`);
  if (def.name !== undefined && def.refname === undefined && def.partitionClause === undefined && def.orderClause === undefined) return base;
  return {
    ...base,
    ...(def.orderClause === undefined ? {} : { orderClause: def.orderClause }),
    ...(def.frameOptions === undefined || def.frameOptions === 0x422 ? {} : { frameOptions: def.frameOptions, ...(def.startOffset === undefined ? {} : { startOffset: def.startOffset }), ...(def.endOffset === undefined ? {} : { endOffset: def.endOffset }) }),
  };
}

export function bindWindowCall(call: FuncCall, name: string, ctx: BindContext): ScalarExpr {
  const windows = ctx.windows;
  if (windows === undefined || call.over === undefined) throw new PgError('42P20', `window functions are not allowed in ${ctx.clause}`);
  if ((call.args ?? []).some(hasWindowCall)) throw new PgError('42P20', 'window function calls cannot be nested');
  const inner: BindContext = { ...ctx, windows: undefined, clause: 'window function calls' };
  const def = effectiveDef(call.over, windows.named);
  const bound = (call.args ?? []).map((a) => bindExpr(a, inner));
  const resolved = resolveFunction(name, bound.map((a) => ({ type: a.type })));
  const args = bound.map((a, i) => coerce(a, resolved.argTargets[i] ?? a.type, 'implicit', inner));
  const partitionBy = (def.partitionClause ?? []).map((n) => resolveUnknown(bindExpr(n, inner), inner));
  const orderBy = (def.orderClause ?? []).map((n) => bindSortBy(n, inner));
  const frame = frameOf(def, inner, orderBy[0]?.expr);
  let fn: WindowCall['fn'];
  if (resolved.kind === 'window') fn = { kind: 'window', impl: resolved.createWindow() };
  else if (resolved.kind === 'aggregate') {
    if (call.agg_distinct === true) throw new PgError('0A000', 'DISTINCT is not implemented for window functions');
    fn = { kind: 'aggregate', impl: resolved.createAggregate() };
  } else {
    throw new PgError('42809', `OVER specified, but ${name} is not a window function nor an aggregate function`);
  }
  const filter = call.agg_filter === undefined ? undefined : bindExpr(call.agg_filter, inner);
  windows.calls.push({ fn, args, partitionBy, orderBy, frame, ...(filter === undefined ? {} : { filter }) });
  const ref = { kind: 'column' as const, type: resolved.returnType, index: windows.firstIndex + windows.calls.length - 1 };
  windows.refs.push(ref);
  return ref;
}

export function windowClauseMap(clause: readonly Node[] | undefined): Map<string, WindowDef> {
  const out = new Map<string, WindowDef>();
  for (const node of clause ?? []) {
    const def = nodeKind(node)[1] as WindowDef;
    if (def.name !== undefined) out.set(def.name, def);
  }
  return out;
}

/** Numbers the window results after the input's `inputWidth` columns. */
export function placeWindowColumns(refs: readonly { index: number }[], inputWidth: number): void {
  refs.forEach((ref, i) => {
    ref.index = inputWidth + i;
  });
}

export function hasWindowCall(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasWindowCall);
  const record = node as Record<string, unknown>;
  if (record['SubLink'] !== undefined) return false;
  const call = record['FuncCall'] as { over?: unknown } | undefined;
  if (call !== undefined && call.over !== undefined) return true;
  return Object.values(record).some(hasWindowCall);
}
