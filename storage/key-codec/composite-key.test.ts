/**
 * Composite keys of 2-3 columns of mixed types, directions and NULL placements sort row by row
 * lexicographically, as ORDER BY c1, c2, c3 does; prefixes of a key are byte prefixes of it, and
 * prefixEnd bounds exactly the keys whose leading columns equal the prefix's.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { compareBytes } from './compare-bytes.js';
import type { Datum } from './datum.js';
import { decodeKey, decodeKeyPrefix, encodeKey } from './key.js';
import type { KeyColumn } from './key-column.js';
import { prefixEnd } from './prefix-end.js';
import { datumPairArb, keyColumnArb } from './testing/arbitraries.js';
import { pgCompareRows } from './testing/pg-compare.js';

/** Columns and two rows for them; each column's values are equal half of the time. */
const rowPairArb = fc.array(keyColumnArb, { minLength: 2, maxLength: 3 }).chain((columns) =>
  fc.tuple(
    fc.constant(columns),
    fc.tuple(...columns.map((column) => fc.tuple(datumPairArb(column.type), fc.boolean()))),
    fc.integer({ min: 1, max: columns.length }),
  ).map(([cols, cells, prefixColumns]) => ({
    columns: cols,
    a: cells.map(([[a]]) => a),
    b: cells.map(([[a, b], equal]) => (equal ? a : b)),
    prefixColumns,
  })),
);

describe('composite keys', () => {
  it('sort column by column, each column in its own direction and NULL placement', () => {
    fc.assert(
      fc.property(rowPairArb, ({ columns, a, b }) => {
        const keyA = encodeKey(a, columns);
        const keyB = encodeKey(b, columns);
        const keyOrder = compareBytes(keyA, keyB);
        const pgOrder = pgCompareRows(columns, a, b);
        if (keyOrder !== pgOrder) throw new Error(`key order ${keyOrder}, PostgreSQL order ${pgOrder}`);
        const decoded = decodeKey(keyA, columns);
        if (pgCompareRows(columns, decoded, a) !== 0) throw new Error('decoded row differs');
      }),
      { numRuns: 10_000 },
    );
  });

  it('have their leading columns as a byte prefix, which prefixEnd bounds', () => {
    fc.assert(
      fc.property(rowPairArb, ({ columns, a, b, prefixColumns }) => {
        const leading = columns.slice(0, prefixColumns);
        const prefix = encodeKey(a.slice(0, prefixColumns), leading);
        const keyA = encodeKey(a, columns);
        if (compareBytes(keyA.subarray(0, prefix.length), prefix) !== 0) throw new Error('prefix is not a byte prefix');
        const { values, end } = decodeKeyPrefix(keyA, leading);
        if (end !== prefix.length || pgCompareRows(leading, values, a) !== 0) throw new Error('prefix decodes wrongly');

        // Every key whose leading columns equal the prefix's lies in [prefix, prefixEnd(prefix));
        // every other key lies outside.
        const keyB = encodeKey(b, columns);
        const limit = prefixEnd(prefix);
        const inside = compareBytes(keyB, prefix) >= 0 && (limit === undefined || compareBytes(keyB, limit) < 0);
        const sameLeading = pgCompareRows(leading, a as Datum[], b as Datum[]) === 0;
        if (inside !== sameLeading) throw new Error(`inside the prefix span: ${inside}, same leading columns: ${sameLeading}`);
      }),
      { numRuns: 10_000 },
    );
  });

  it('decode a key built for other columns to KeyDecodeError or a canonical value', () => {
    const columns: KeyColumn[] = [{ type: 'int4' }, { type: 'text', direction: 'desc' }];
    const key = encodeKey([7, 'x'], columns);
    // Read with the columns swapped, the key is garbage; with the right ones it is the row.
    if (pgCompareRows(columns, decodeKey(key, columns), [7, 'x']) !== 0) throw new Error('round trip failed');
    let threw = false;
    try {
      decodeKey(key, [columns[1] as KeyColumn, columns[0] as KeyColumn]);
    } catch (error) {
      threw = (error as Error).name === 'KeyDecodeError';
    }
    if (!threw) throw new Error('decoding with swapped columns did not fail');
  });
});
