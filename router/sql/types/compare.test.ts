/**
 * Order and equality of values, checked against the rules PostgreSQL states for its default
 * btree and hash operator classes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparatorFor, compareValues, equalityKey, hashValue } from './compare.js';
import { parseJsonb } from './io/json-io.js';
import { parseNumeric } from './io/numeric-io.js';
import { Oid } from './oids.js';
import { SqlArray } from './value.js';

describe('equality keys agree with PostgreSQL equality', () => {
  it('treat NaN as equal to NaN and -0 as 0 for floats', () => {
    // "PostgreSQL treats NaN values as equal, and greater than all non-NaN values" (manual 8.1.3).
    expect(equalityKey(NaN, Oid.float8)).toBe(equalityKey(NaN, Oid.float8));
    expect(new Map([[equalityKey(NaN, Oid.float8), 1]]).has(equalityKey(NaN, Oid.float8))).toBe(true);
    expect(equalityKey(-0, Oid.float8)).toBe(equalityKey(0, Oid.float8));
    expect(compareValues(NaN, Infinity, Oid.float8)).toBe(1);
    expect(compareValues(-0, 0, Oid.float8)).toBe(0);
  });

  it('ignore the display scale of numerics', () => {
    // "Numeric values ... the declared precision and scale of a column are maximums" (8.1.2): 1.0 = 1.00.
    const a = parseNumeric('1.0');
    const b = parseNumeric('1.00');
    expect(equalityKey(a, Oid.numeric)).toBe(equalityKey(b, Oid.numeric));
    expect(hashValue(a, Oid.numeric)).toBe(hashValue(b, Oid.numeric));
    expect(compareValues(parseNumeric('NaN'), parseNumeric('Infinity'), Oid.numeric)).toBe(1);
    expect(equalityKey(parseNumeric('-0.00'), Oid.numeric)).toBe(equalityKey(parseNumeric('0'), Oid.numeric));
  });

  it('ignore trailing spaces of char(n) and compare intervals by their span', () => {
    // "trailing spaces are treated as semantically insignificant" for character(n) (8.3).
    expect(equalityKey('ab  ', Oid.bpchar)).toBe(equalityKey('ab', Oid.bpchar));
    // Intervals compare with 1 month = 30 days (9.9: '1 mon' = '30 days').
    expect(equalityKey({ months: 1, days: 0, micros: 0n }, Oid.interval)).toBe(equalityKey({ months: 0, days: 30, micros: 0n }, Oid.interval));
  });

  it('treat jsonb numbers by value', () => {
    expect(equalityKey(parseJsonb('{"a": 1.0}'), Oid.jsonb)).toBe(equalityKey(parseJsonb('{"a":1}'), Oid.jsonb));
    expect(equalityKey(parseJsonb('[1, "1"]'), Oid.jsonb)).not.toBe(equalityKey(parseJsonb('["1", 1]'), Oid.jsonb));
  });

  it('match the comparator on random numerics and floats', () => {
    const numericText = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
      .map(([n, scale, pad]) => `${(n / 10 ** scale).toFixed(scale)}${'0'.repeat(pad)}`.replace(/^(-?\d+)0+$/, '$1'));
    fc.assert(fc.property(numericText, numericText, (x, y) => {
      const a = parseNumeric(x);
      const b = parseNumeric(y);
      return (compareValues(a, b, Oid.numeric) === 0) === (equalityKey(a, Oid.numeric) === equalityKey(b, Oid.numeric));
    }));
    const float = fc.oneof(fc.double(), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity));
    fc.assert(fc.property(float, float, (a, b) => {
      const sameKey = new Map([[equalityKey(a, Oid.float8), true]]).has(equalityKey(b, Oid.float8));
      return (compareValues(a, b, Oid.float8) === 0) === sameKey;
    }));
  });
});

describe('orders', () => {
  it('sort text by code point, which is UTF-8 byte order (the C collation)', () => {
    const sorted = ['b', 'a', 'B', '\u{1F600}', '\uFFFD', 'é', ''].sort(comparatorFor(Oid.text) as (a: string, b: string) => number);
    expect(sorted).toEqual(['', 'B', 'a', 'b', 'é', '\uFFFD', '\u{1F600}']);
  });

  it('sort arrays element by element with NULL above values, then by length', () => {
    const compare = comparatorFor(Oid.int4Array);
    expect(compare(SqlArray.of(Oid.int4, [1, 2]), SqlArray.of(Oid.int4, [1, 3]))).toBe(-1);
    expect(compare(SqlArray.of(Oid.int4, [1, null]), SqlArray.of(Oid.int4, [1, 9]))).toBe(1);
    expect(compare(SqlArray.of(Oid.int4, [1]), SqlArray.of(Oid.int4, [1, 0]))).toBe(-1);
  });

  it('order jsonb values as manual 8.14.4 lists: Object > Array > Boolean > Number > String > Null', () => {
    const values = ['{}', '[1]', 'true', '1', '"a"', 'null'].map(parseJsonb);
    const sorted = [...values].sort(comparatorFor(Oid.jsonb) as never);
    expect(sorted).toEqual([...values].reverse());
    // "an empty top level array sorts less than null"
    expect(compareValues(parseJsonb('[]'), parseJsonb('null'), Oid.jsonb)).toBe(-1);
  });

  it('have no order for json', () => {
    expect(() => comparatorFor(Oid.json)).toThrow(/could not identify an ordering operator for type json/);
  });
});
