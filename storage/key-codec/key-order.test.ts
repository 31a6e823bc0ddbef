/**
 * For every type, 10,000 generated cases each of:
 * (a) key byte order equals PostgreSQL's order (the reference comparator in testing/pg-compare.ts),
 *     for both directions and both NULL placements;
 * (b) decoding returns a value PostgreSQL-equal to the original (identical for types without
 *     aliases), re-encodes to the same bytes, and knows where the column ends.
 */
import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { compareBytes } from './compare-bytes.js';
import { DATUM_TYPES, type Datum, type DatumType, type Interval } from './datum.js';
import { decodeKey, decodeKeyPrefix, encodeKey } from './key.js';
import type { KeyColumn } from './key-column.js';
import { datumArb, datumPairArb } from './testing/arbitraries.js';
import { pgCompare, pgCompareColumn } from './testing/pg-compare.js';

const RUNS_PER_TYPE = 10_000;

/** The four ways a column can sort: each direction with each NULL placement. */
function placements(type: DatumType): KeyColumn[] {
  return [
    { type }, // asc, NULLS LAST by default
    { type, direction: 'asc', nulls: 'first' },
    { type, direction: 'desc' }, // NULLS FIRST by default
    { type, direction: 'desc', nulls: 'last' },
  ];
}

describe.each(DATUM_TYPES)('%s keys', (type) => {
  it('sort as PostgreSQL sorts, in both directions and with NULLs first or last', () => {
    fc.assert(
      fc.property(datumPairArb(type), ([a, b]) => {
        for (const column of placements(type)) {
          const keyOrder = compareBytes(encodeKey([a], [column]), encodeKey([b], [column]));
          const pgOrder = pgCompareColumn(column, a, b);
          if (keyOrder !== pgOrder) {
            throw new Error(`${JSON.stringify(column)}: key order ${keyOrder}, PostgreSQL order ${pgOrder}`);
          }
        }
      }),
      { numRuns: RUNS_PER_TYPE },
    );
  });

  it('decode to an equal value that re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(datumArb(type), fc.uint8Array({ maxLength: 4 }), (value, suffix) => {
        for (const column of placements(type)) {
          const key = encodeKey([value], [column]);
          const [decoded] = decodeKey(key, [column]);
          if (decoded === undefined) throw new Error('nothing decoded');
          checkDecoded(type, value, decoded);
          const again = encodeKey([decoded], [column]);
          if (compareBytes(again, key) !== 0) throw new Error('the decoded value encodes differently');
          // A column knows its own end, whatever follows it.
          const withSuffix = Uint8Array.of(...key, ...suffix);
          const { end } = decodeKeyPrefix(withSuffix, [column]);
          if (end !== key.length) throw new Error(`column ends at ${end}, not ${key.length}`);
        }
      }),
      { numRuns: RUNS_PER_TYPE },
    );
  });
});

/** PostgreSQL-equal, and identical where the type has a single representation of each value. */
function checkDecoded(type: DatumType, original: Datum, decoded: Datum): void {
  if (original === null || decoded === null) {
    if (original !== decoded) throw new Error('NULL decoded as a value or a value as NULL');
    return;
  }
  if (pgCompare(type, original, decoded) !== 0) throw new Error('decoded value is not equal to the original');
  switch (type) {
    case 'float4':
    case 'float8':
      // -0 comes back as 0; NaN as NaN.
      return expectSame(decoded, original === 0 ? 0 : original);
    case 'bpchar':
      return expectSame(decoded, (original as string).replace(/ +$/, ''));
    case 'bytea':
      return expectSame(Buffer.from(decoded as Uint8Array).toString('hex'), Buffer.from(original as Uint8Array).toString('hex'));
    case 'numeric': {
      const value = decoded as Decimal;
      if (value.isZero() && value.isNegative()) throw new Error('numeric decoded as -0');
      return;
    }
    case 'interval':
      return checkCanonicalInterval(decoded as Interval);
    default:
      return expectSame(decoded, original);
  }
}

function expectSame(actual: unknown, expected: unknown): void {
  if (!Object.is(actual, expected)) throw new Error(`decoded ${String(actual)}, expected ${String(expected)}`);
}

/**
 * The canonical interval: months, days and micros share one sign; days stay under 30 and micros
 * under a day unless the field above is clamped at the int32 limit.
 */
function checkCanonicalInterval(interval: Interval): void {
  const signs = [Math.sign(interval.months), Math.sign(interval.days), interval.micros > 0n ? 1 : interval.micros < 0n ? -1 : 0];
  if (signs.includes(1) && signs.includes(-1)) throw new Error(`interval fields differ in sign: ${JSON.stringify(signs)}`);
  const monthsClamped = Math.abs(interval.months) >= 2 ** 31 - 1;
  const daysClamped = Math.abs(interval.days) >= 2 ** 31 - 1;
  if (!monthsClamped && Math.abs(interval.days) >= 30) throw new Error('interval days not justified into months');
  const microsAbs = interval.micros < 0n ? -interval.micros : interval.micros;
  if (!daysClamped && microsAbs >= 86_400_000_000n) throw new Error('interval micros not justified into days');
}
