/**
 * The window node: for each call, the input rows are split into partitions, each sorted by the
 * window's ORDER BY; peer groups (rows equal under it) and frames (ROWS, RANGE, GROUPS with their
 * bounds and exclusions, manual 4.2.8) are computed per row, and the function is evaluated there.
 * Results are appended to the input rows, which keep their order.
 */
import { PgError } from '../errors/pg-error.js';
import { InvalidPrecedingOrFollowingSize } from '../session/pending-sqlstates.js';
import { accumulate, type WindowRows } from '../functions/function-types.js';
import type { RelExpr } from '../plan/rel-expr.js';
import type { FrameBound, WindowCall } from '../plan/window.js';
import { comparatorFor, equalityKey } from '../types/compare.js';
import type { Value } from '../types/value.js';
import { evalScalar } from './eval-scalar.js';
import type { RunEnv } from './run-rel.js';
import { sortRows } from './run-rel.js';

type WindowNode = Extract<RelExpr, { kind: 'window' }>;

export function runWindow(plan: WindowNode, input: Value[][], env: RunEnv): Value[][] {
  const results: Value[][] = input.map(() => []);
  const positions = new Map<Value[], number>(input.map((row, i) => [row, i]));
  for (const call of plan.calls) {
    for (const partition of partitions(input, call, env)) {
      const sorted = sortRows(partition, call.orderBy, env);
      const values = evaluatePartition(sorted, call, env);
      sorted.forEach((row, i) => {
        results[positions.get(row) ?? 0]?.push(values[i] ?? null);
      });
    }
  }
  return input.map((row, i) => [...row, ...(results[i] ?? [])]);
}

function partitions(rows: Value[][], call: WindowCall, env: RunEnv): Value[][][] {
  if (call.partitionBy.length === 0) return [rows];
  const groups = new Map<string, Value[][]>();
  for (const row of rows) {
    const key = call.partitionBy.map((e) => {
      const v = evalScalar(e, row, env);
      return v === null ? '\u0000' : `${typeof v}:${String(equalityKey(v, e.type))}`;
    }).join('\u0001');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return [...groups.values()];
}

/** Peer group boundaries: for each row, [start, end) of the rows equal to it under ORDER BY. */
function peerGroups(rows: Value[][], call: WindowCall, env: RunEnv): { start: number[]; end: number[]; index: number[] } {
  const n = rows.length;
  const start: number[] = new Array<number>(n).fill(0);
  const end: number[] = new Array<number>(n).fill(n);
  const index: number[] = new Array<number>(n).fill(0);
  const comparators = call.orderBy.map((k) => comparatorFor(k.expr.type.oid));
  const keys = rows.map((row) => call.orderBy.map((k) => evalScalar(k.expr, row, env)));
  const same = (a: number, b: number): boolean => call.orderBy.every((_, k) => {
    const x = keys[a]?.[k] ?? null;
    const y = keys[b]?.[k] ?? null;
    if (x === null || y === null) return x === y;
    return (comparators[k] as (p: Value, q: Value) => number)(x, y) === 0;
  });
  let groupStart = 0;
  let group = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !same(i - 1, i)) {
      for (let j = groupStart; j < i; j++) end[j] = i;
      groupStart = i;
      group++;
    }
    start[i] = groupStart;
    index[i] = group;
  }
  for (let j = groupStart; j < n; j++) end[j] = n;
  return { start, end, index };
}

function offsetOf(bound: FrameBound, env: RunEnv): Value {
  if (bound.kind !== 'preceding' && bound.kind !== 'following') return null;
  const v = evalScalar(bound.offset, [], env);
  if (v === null) throw new PgError('22004', 'frame starting offset must not be null');
  if ((typeof v === 'number' || typeof v === 'bigint') && v < 0) throw new PgError(InvalidPrecedingOrFollowingSize, 'frame starting offset must not be negative');
  return v;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  throw new PgError('0A000', 'RANGE with an offset is supported for numeric ORDER BY columns only');
}

interface Frame { start: number; end: number }

function frameFor(i: number, rows: Value[][], call: WindowCall, peers: ReturnType<typeof peerGroups>, env: RunEnv): Frame {
  const n = rows.length;
  const { mode } = call.frame;
  const position = (bound: FrameBound, isStart: boolean): number => {
    switch (bound.kind) {
      case 'unboundedPreceding': return 0;
      case 'unboundedFollowing': return n;
      case 'currentRow':
        if (mode === 'rows') return isStart ? i : i + 1;
        return isStart ? (peers.start[i] ?? i) : (peers.end[i] ?? n);
      case 'preceding':
      case 'following': {
        const offset = offsetOf(bound, env);
        const sign = bound.kind === 'preceding' ? -1 : 1;
        if (mode === 'rows') {
          const at = i + sign * Number(offset);
          return isStart ? at : at + 1;
        }
        if (mode === 'groups') {
          const target = (peers.index[i] ?? 0) + sign * Number(offset);
          if (isStart) {
            const found = peers.index.findIndex((g) => g >= target);
            return found < 0 ? n : found;
          }
          let last = -1;
          peers.index.forEach((g, j) => { if (g <= target) last = j; });
          return last + 1;
        }
        const key = call.orderBy[0];
        if (key === undefined) throw new PgError('42P20', 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column');
        const here = evalScalar(key.expr, rows[i] ?? [], env);
        if (here === null) return isStart ? (peers.start[i] ?? i) : (peers.end[i] ?? n);
        const direction = key.descending ? -1 : 1;
        const limit = toNumber(here) + sign * direction * toNumber(offset);
        const inRange = (j: number): boolean => {
          const v = evalScalar(key.expr, rows[j] ?? [], env);
          if (v === null) return false;
          const x = toNumber(v);
          return isStart ? (direction > 0 ? x >= limit : x <= limit) : (direction > 0 ? x <= limit : x >= limit);
        };
        if (isStart) {
          for (let j = 0; j < n; j++) if (inRange(j)) return j;
          return n;
        }
        for (let j = n - 1; j >= 0; j--) if (inRange(j)) return j + 1;
        return 0;
      }
    }
  };
  const start = Math.max(0, Math.min(n, position(call.frame.start, true)));
  const end = Math.max(0, Math.min(n, position(call.frame.end, false)));
  return { start, end: Math.max(start, end) };
}

function evaluatePartition(rows: Value[][], call: WindowCall, env: RunEnv): Value[] {
  const peers = peerGroups(rows, call, env);
  const args = rows.map((row) => call.args.map((a) => evalScalar(a, row, env)));
  const included = call.filter === undefined ? undefined : rows.map((row) => evalScalar(call.filter as NonNullable<WindowCall['filter']>, row, env) === true);
  const out: Value[] = [];
  for (let i = 0; i < rows.length; i++) {
    const frame = frameFor(i, rows, call, peers, env);
    const excluded = (j: number): boolean => {
      switch (call.frame.exclude) {
        case 'noOthers': return false;
        case 'currentRow': return j === i;
        case 'group': return j >= (peers.start[i] ?? i) && j < (peers.end[i] ?? i + 1);
        case 'ties': return j !== i && j >= (peers.start[i] ?? i) && j < (peers.end[i] ?? i + 1);
      }
    };
    if (call.fn.kind === 'window') {
      const windowRows: WindowRows = {
        partitionRowCount: rows.length, currentRow: i,
        peerGroupStart: peers.start[i] ?? i, peerGroupEnd: peers.end[i] ?? i + 1, peerGroupIndex: peers.index[i] ?? 0,
        frameStart: frame.start, frameEnd: frame.end, isExcluded: excluded, argumentCount: call.args.length,
        argument: (argument, row) => args[row]?.[argument] ?? null,
      };
      out.push(call.fn.impl.evaluate(windowRows, env.ctx));
      continue;
    }
    const aggregate = call.fn.impl;
    let state = aggregate.initial();
    for (let j = frame.start; j < frame.end; j++) {
      if (excluded(j) || (included !== undefined && included[j] !== true)) continue;
      state = accumulate(aggregate, state, args[j] ?? [], env.ctx);
    }
    out.push(aggregate.final(state, env.ctx));
  }
  return out;
}
