/**
 * A reference comparator written from PostgreSQL 15's documented semantics, independently of the
 * key codec: the property tests check that key byte order agrees with it. Test-only.
 */
import type { Decimal } from 'decimal.js';
import type { Datum, DatumByType, DatumType, Interval } from '../datum.js';
import type { KeyColumn } from '../key-column.js';

type NonNull = DatumByType[DatumType];

/** -1, 0 or 1 as a sorts before, with or after b in PostgreSQL's ascending order for the type. */
export function pgCompare(type: DatumType, a: NonNull, b: NonNull): -1 | 0 | 1 {
  switch (type) {
    case 'int2':
    case 'int4':
    case 'date': // days; -Infinity and Infinity are below and above every date (manual 8.5.1.4)
      return sign((a as number) - (b as number) || 0);
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz': // the infinity sentinels are the int64 extremes
      return compareBigints(a as bigint, b as bigint);
    case 'float4':
    case 'float8':
      return compareFloats(a as number, b as number);
    case 'numeric':
      return compareNumerics(a as Decimal, b as Decimal);
    case 'text':
    case 'varchar':
      return compareCodePoints(a as string, b as string);
    case 'bpchar':
      // "trailing spaces are treated as semantically insignificant and disregarded when comparing
      // two values of type character" (manual 8.3).
      return compareCodePoints(stripTrailingSpaces(a as string), stripTrailingSpaces(b as string));
    case 'bytea':
      return compareByteStrings(a as Uint8Array, b as Uint8Array);
    case 'bool':
      return sign(Number(a) - Number(b)); // false < true
    case 'interval':
      return compareBigints(spanMicros(a as Interval), spanMicros(b as Interval));
    case 'uuid':
      // Canonical lowercase hex with dashes at fixed places sorts as its 16 bytes do.
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  }
}

/**
 * The order of one key column: NULLs are equal to each other; "By default, null values sort as if
 * larger than any non-null value; that is, NULLS FIRST is the default for DESC order, and NULLS
 * LAST otherwise" (manual 7.5); DESC reverses the order of non-null values only.
 */
export function pgCompareColumn(column: KeyColumn, a: Datum, b: Datum): -1 | 0 | 1 {
  const descending = column.direction === 'desc';
  const nullsFirst = (column.nulls ?? (descending ? 'first' : 'last')) === 'first';
  if (a === null || b === null) {
    if (a === null && b === null) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  const order = pgCompare(column.type, a, b);
  return descending ? negate(order) : order;
}

/** Lexicographic, column by column, as ORDER BY c1, c2, ... sorts. */
export function pgCompareRows(columns: readonly KeyColumn[], a: readonly Datum[], b: readonly Datum[]): -1 | 0 | 1 {
  for (let i = 0; i < columns.length; i++) {
    const order = pgCompareColumn(columns[i] as KeyColumn, a[i] as Datum, b[i] as Datum);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * "PostgreSQL treats NaN values as equal, and greater than all non-NaN values" (manual 8.1.3);
 * otherwise IEEE comparison, under which -0 = 0 (float8_cmp_internal compares with < and >).
 */
function compareFloats(a: number, b: number): -1 | 0 | 1 {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * NaN as for floats (manual 8.1.2 says the same of numeric); "The infinity values behave as per
 * mathematical expectations"; finite values compare by value whatever their scale (1.50 = 1.5,
 * -0.000 = 0).
 */
function compareNumerics(a: Decimal, b: Decimal): -1 | 0 | 1 {
  if (a.isNaN() || b.isNaN()) return a.isNaN() ? (b.isNaN() ? 0 : 1) : -1;
  return a.cmp(b) as -1 | 0 | 1;
}

/** The C collation: "sorting is done strictly by character code byte values" (manual 24.2.2). */
function compareCodePoints(a: string, b: string): -1 | 0 | 1 {
  const left = Array.from(a, (c) => c.codePointAt(0) as number);
  const right = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return (left[i] as number) < (right[i] as number) ? -1 : 1;
  }
  return sign(left.length - right.length);
}

function compareByteStrings(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  }
  return sign(a.length - b.length);
}

/**
 * PostgreSQL's interval_cmp_value: the months become 30-day units and the days 24-hour units ("1
 * month = 30 days and 1 day = 24 hours", manual 8.5.4), summed exactly in 128 bits.
 */
function spanMicros(interval: Interval): bigint {
  const microsPerDay = 24n * 60n * 60n * 1_000_000n;
  return (BigInt(interval.months) * 30n + BigInt(interval.days)) * microsPerDay + interval.micros;
}

function stripTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') end--;
  return text.slice(0, end);
}

function compareBigints(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sign(x: number): -1 | 0 | 1 {
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

function negate(order: -1 | 0 | 1): -1 | 0 | 1 {
  return order === 0 ? 0 : order === 1 ? -1 : 1;
}
