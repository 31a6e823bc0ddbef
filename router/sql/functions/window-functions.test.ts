/**
 * Window functions over frames with exclusions, which the expression tests (windows.txt) do not
 * reach: "the frame_exclusion option allows rows around the current row to be excluded from the
 * frame" (manual 4.2.8).
 */
import { describe, expect, it } from 'vitest';
import { T } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import { fixedEvalContext } from './eval-context.js';
import type { WindowRows } from './function-types.js';
import { resolveFunction } from './resolve.js';

const ctx = fixedEvalContext();
const values = [10, 20, 30, 40];

function rows(current: number, frame: [number, number], excluded: number[] = [], args: Value[] = []): WindowRows {
  return {
    partitionRowCount: values.length, currentRow: current, peerGroupStart: current, peerGroupEnd: current + 1,
    peerGroupIndex: current, frameStart: frame[0], frameEnd: frame[1], argumentCount: 1 + args.length,
    isExcluded: (r) => excluded.includes(r),
    argument: (a, r) => (a === 0 ? (values[r] as number) : (args[a - 1] as Value)),
  };
}

describe('frame functions', () => {
  it('skip excluded rows', () => {
    const first = resolveFunction('first_value', [{ type: T.int4 }]).createWindow();
    const last = resolveFunction('last_value', [{ type: T.int4 }]).createWindow();
    const nth = resolveFunction('nth_value', [{ type: T.int4 }, { type: T.int4 }]).createWindow();
    // EXCLUDE CURRENT ROW on row 0 of the frame [0, 2).
    expect(first.evaluate(rows(0, [0, 2], [0]), ctx)).toBe(20);
    expect(last.evaluate(rows(1, [0, 2], [1]), ctx)).toBe(10);
    expect(nth.evaluate(rows(1, [0, 4], [1], [2]), ctx)).toBe(30);
    expect(first.evaluate(rows(0, [0, 1], [0]), ctx)).toBe(null);
  });

  it('read outside the frame for lag and lead, with their defaults', () => {
    const lag = resolveFunction('lag', [{ type: T.int4 }, { type: T.int4 }, { type: T.int4 }]).createWindow();
    expect(lag.evaluate(rows(0, [0, 1], [], [1, -1]), ctx)).toBe(-1);
    expect(lag.evaluate(rows(3, [3, 4], [], [2, -1]), ctx)).toBe(20);
  });
});
