/**
 * The built-in window functions (manual 9.22), evaluated by the executor one row at a time over
 * a partition laid out in window order (WindowRows). Aggregates used as window functions are
 * the executor's business: it feeds the frame's rows to the aggregate (aggregates.ts).
 */
import { PgError } from '../errors/pg-error.js';
import type { SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import type { WindowFunction, WindowRows } from './function-types.js';
import { MoreSqlState } from '../types/sqlstates.js';

type Evaluate = (rows: WindowRows) => Value;

function define(name: string, usesFrame: boolean, evaluate: Evaluate) {
  return (argTypes: readonly SqlType[], returnType: SqlType): WindowFunction => ({ name, argTypes, returnType, usesFrame, evaluate });
}

/** The frame's rows that EXCLUDE keeps, in order. */
function* frameRows(rows: WindowRows): Iterable<number> {
  for (let r = rows.frameStart; r < rows.frameEnd; r++) if (!rows.isExcluded(r)) yield r;
}

function ntile(rows: WindowRows): Value {
  const buckets = rows.argument(0, rows.currentRow);
  if (buckets === null) return null;
  const n = buckets as number;
  if (n <= 0) throw new PgError(MoreSqlState.InvalidArgumentForNtileFunction, 'argument of ntile must be greater than zero');
  const total = rows.partitionRowCount;
  const perBucket = Math.floor(total / n);
  const extra = total % n;
  // The first `extra` buckets hold one row more than the others.
  const bigRows = extra * (perBucket + 1);
  const row = rows.currentRow;
  return row < bigRows ? Math.floor(row / (perBucket + 1)) + 1 : extra + Math.floor((row - bigRows) / Math.max(perBucket, 1)) + 1;
}

function shifted(direction: -1 | 1): Evaluate {
  return (rows) => {
    let offset = 1;
    if (rows.argumentCount > 1) {
      const o = rows.argument(1, rows.currentRow);
      if (o === null) return null;
      offset = o as number;
    }
    const target = rows.currentRow + direction * offset;
    if (target < 0 || target >= rows.partitionRowCount) {
      return rows.argumentCount > 2 ? rows.argument(2, rows.currentRow) : null;
    }
    return rows.argument(0, target);
  };
}

function nthValue(rows: WindowRows): Value {
  const n = rows.argument(1, rows.currentRow);
  if (n === null) return null;
  if ((n as number) <= 0) throw new PgError(MoreSqlState.InvalidArgumentForNthValueFunction, 'argument of nth_value must be greater than zero');
  let seen = 0;
  for (const r of frameRows(rows)) {
    if (++seen === n) return rows.argument(0, r);
  }
  return null;
}

/** Window function implementations, by pg_proc signature key (`rank()`, `lag(anyelement,int4)`). */
export const windowFactories: Record<string, (argTypes: readonly SqlType[], returnType: SqlType) => WindowFunction> = {
  'row_number()': define('row_number', false, (rows) => BigInt(rows.currentRow + 1)),
  'rank()': define('rank', false, (rows) => BigInt(rows.peerGroupStart + 1)),
  'dense_rank()': define('dense_rank', false, (rows) => BigInt(rows.peerGroupIndex + 1)),
  'percent_rank()': define('percent_rank', false, (rows) => (rows.partitionRowCount <= 1 ? 0 : rows.peerGroupStart / (rows.partitionRowCount - 1))),
  'cume_dist()': define('cume_dist', false, (rows) => rows.peerGroupEnd / rows.partitionRowCount),
  'ntile(int4)': define('ntile', false, ntile),
  'lag(anyelement)': define('lag', false, shifted(-1)),
  'lag(anyelement,int4)': define('lag', false, shifted(-1)),
  'lag(anycompatible,int4,anycompatible)': define('lag', false, shifted(-1)),
  'lead(anyelement)': define('lead', false, shifted(1)),
  'lead(anyelement,int4)': define('lead', false, shifted(1)),
  'lead(anycompatible,int4,anycompatible)': define('lead', false, shifted(1)),
  'first_value(anyelement)': define('first_value', true, (rows) => {
    for (const r of frameRows(rows)) return rows.argument(0, r);
    return null;
  }),
  'last_value(anyelement)': define('last_value', true, (rows) => {
    let last: number | undefined;
    for (const r of frameRows(rows)) last = r;
    return last === undefined ? null : rows.argument(0, last);
  }),
  'nth_value(anyelement,int4)': define('nth_value', true, nthValue),
};
