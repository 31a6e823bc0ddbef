/**
 * Hand-picked cases where PostgreSQL's order or equality is easy to get wrong, each with the rule
 * it checks. The generated properties (key-order.test.ts) cover the same ground at random; these
 * name the cases.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../common/assert.js';
import { ByteWriter } from './byte-writer.js';
import { compareBytes } from './compare-bytes.js';
import {
  TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS, type Datum, type DatumType, type Interval,
} from './datum.js';
import { intervalFromSpanMicros } from './interval.js';
import { decodeKey, encodeKey } from './key.js';
import type { KeyColumn } from './key-column.js';
import { KeyDecodeError } from './key-decode-error.js';
import { KeyReader } from './key-reader.js';
import { int4Max, int4Min, int8Max, timestampMicrosMax, timestampMicrosMin } from './limits.js';
import { prefixEnd } from './prefix-end.js';
import { decodeUvarintAscending, encodeUvarintAscending } from './varint.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const key = (type: DatumType, value: Datum, column: Partial<KeyColumn> = {}): Uint8Array =>
  encodeKey([value], [{ type, ...column }]);
const day = 86_400_000_000n;

/** Asserts that the values' keys strictly ascend in the order given. */
function expectAscending(type: DatumType, values: Datum[], column: Partial<KeyColumn> = {}): void {
  const keys = values.map((v) => key(type, v, column));
  for (let i = 1; i < keys.length; i++) {
    expect(compareBytes(keys[i - 1] as Uint8Array, keys[i] as Uint8Array), `${String(values[i - 1])} < ${String(values[i])}`).toBe(-1);
  }
}

function expectDecodeError(bytes: number[], column: KeyColumn): void {
  expect(() => decodeKey(Uint8Array.from(bytes), [column])).toThrow(KeyDecodeError);
}

describe('floats', () => {
  it('encode -0 as 0 and every NaN as one NaN', () => {
    // PostgreSQL's float8 comparison (float8_cmp_internal) uses IEEE < and >, under which -0 = 0;
    // and it "treats NaN values as equal" (manual 8.1.3).
    for (const type of ['float4', 'float8'] as const) {
      expect(hex(key(type, -0))).toBe(hex(key(type, 0)));
      expect(decodeKey(key(type, -0), [{ type }])[0]).toBe(0);
      const otherNaN = new Float64Array(new BigUint64Array([0x7ff8_0000_dead_beefn]).buffer)[0] as number;
      expect(hex(key(type, otherNaN))).toBe(hex(key(type, NaN)));
    }
  });

  it('sort NaN above Infinity', () => {
    // NaN is "greater than all non-NaN values" (manual 8.1.3).
    expectAscending('float8', [-Infinity, -Number.MAX_VALUE, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 1, Infinity, NaN]);
    expectAscending('float8', [NaN, Infinity, 0, -Infinity], { direction: 'desc' });
  });

  it('refuse bits the encoder never writes', () => {
    // -0 written as its own bits (sign set, then inverted): 0x18 0x7f 0xff..
    expectDecodeError([0x18, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], { type: 'float8' });
    // A NaN written as bits rather than as the NaN tag.
    expectDecodeError([0x18, 0xff, 0xf8, 0, 0, 0, 0, 0, 0], { type: 'float8' });
  });
});

describe('numeric', () => {
  it('gives equal values one key whatever their scale', () => {
    // numeric compares values: 1.50 = 1.5 and -0.000 = 0 (and numeric has no negative zero).
    expect(hex(key('numeric', new Decimal('1.50')))).toBe(hex(key('numeric', new Decimal('1.5'))));
    expect(hex(key('numeric', new Decimal('-0.000')))).toBe(hex(key('numeric', new Decimal(0))));
    expect(hex(key('numeric', new Decimal('-0')))).toBe(hex(key('numeric', new Decimal('0e1000'))));
    const [decoded] = decodeKey(key('numeric', new Decimal('-0.000')), [{ type: 'numeric' }]);
    expect((decoded as Decimal).toString()).toBe('0');
  });

  it('sorts -Infinity < negatives < 0 < positives < Infinity < NaN', () => {
    // "The infinity values behave as per mathematical expectations"; NaN is "greater than all
    // non-NaN values" (manual 8.1.2).
    const values = ['-Infinity', '-1e1000', '-1.01', '-1', '-0.99', '-1e-1000', '0', '1e-16383', '1e-1000', '0.01',
      '0.1', '0.10000000000000000000001', '1', '1.5', '10', '99', '100', '101', '1e1000', '9.9e131071', 'Infinity', 'NaN'];
    expectAscending('numeric', values.map((v) => new Decimal(v)));
    expectAscending('numeric', values.reverse().map((v) => new Decimal(v)), { direction: 'desc' });
  });

  it('round-trips the extremes of numeric digits exactly', () => {
    for (const text of ['1e-16383', '-9.87654321e131071', '123456789012345678901234567890.000000000000000000001']) {
      const [decoded] = decodeKey(key('numeric', new Decimal(text)), [{ type: 'numeric' }]);
      expect((decoded as Decimal).eq(new Decimal(text))).toBe(true);
    }
  });

  it('refuses values numeric cannot hold', () => {
    // "up to 131072 digits before the decimal point; up to 16383 digits after" (manual, Table 8.2).
    expect(() => key('numeric', new Decimal('1e131072'))).toThrow(AssertionError);
    expect(() => key('numeric', new Decimal('1e-16384'))).toThrow(AssertionError);
  });

  it('pins the byte format', () => {
    // 1.5 = 0.(01)(50) × 100^1: positive tag, varint 1, digit bytes 2·1+1 and 2·50.
    expect(hex(key('numeric', new Decimal('1.5')))).toBe('23410364');
    // -1.5: the same magnitude bytes inverted after the negative tag.
    expect(hex(key('numeric', new Decimal('-1.5')))).toBe('21befc9b');
  });

  it('refuses digit strings with a leading or trailing zero digit', () => {
    expectDecodeError([0x23, 0x41, 0x01, 0x64], { type: 'numeric' }); // leading base-100 digit 0
    expectDecodeError([0x23, 0x41, 0x03, 0x00], { type: 'numeric' }); // last digit byte 0
  });
});

describe('intervals', () => {
  const interval = (months: number, days: number, micros: bigint): Interval => ({ months, days, micros });

  it("give '1 mon', '30 days' and '720 hours' one key", () => {
    // Intervals compare by their span with "1 month = 30 days and 1 day = 24 hours" (manual
    // 8.5.4; interval_cmp_value in timestamp.c).
    const oneMonth = hex(key('interval', interval(1, 0, 0n)));
    expect(hex(key('interval', interval(0, 30, 0n)))).toBe(oneMonth);
    expect(hex(key('interval', interval(0, 0, 720n * 3_600_000_000n)))).toBe(oneMonth);
    expectAscending('interval', [interval(-1, 0, 0n), interval(0, -29, 0n), interval(0, 29, day - 1n), interval(1, 0, 0n),
      interval(1, 0, 1n), interval(0, 31, 0n)]);
  });

  it('decode to the canonical interval of the span', () => {
    const decode = (i: Interval): Interval => decodeKey(key('interval', i), [{ type: 'interval' }])[0] as Interval;
    expect(decode(interval(0, 45, 0n))).toEqual(interval(1, 15, 0n));
    expect(decode(interval(-1, 1, 0n))).toEqual(interval(0, -29, 0n));
    expect(decode(interval(0, 0, -day - 1n))).toEqual(interval(0, -1, -1n));
    // At the int32 limits months and days are clamped and the rest carried down, so the largest
    // interval decodes to itself rather than to 2^31 months.
    const largest = interval(int4Max, int4Max, int8Max);
    expect(decode(largest)).toEqual(largest);
    expect(decode(interval(int4Min, int4Min, -(2n ** 63n)))).toEqual(interval(int4Min, int4Min, -(2n ** 63n)));
    expect(intervalFromSpanMicros(30n * day * BigInt(int4Max) + 45n * day)).toEqual(interval(int4Max, 45, 0n));
  });
});

describe('text', () => {
  it('sorts by code point (the C collation), U+0000 included', () => {
    // "sorting is done strictly by character code byte values" (manual 24.2.2). UTF-16 code unit
    // order, which JavaScript's < uses, would put U+10000 (0xD800 0xDC00) below U+FFFF.
    expectAscending('text', ['', '\u0000', '\u0000\u0000', '\u0001', 'a', 'a\u0000', 'a\u0000b', 'a\u0001', 'ab',
      'a\u007f', 'a\u0080', 'a\uffff', 'a\u{10000}', 'a\u{10ffff}', 'b']);
    expect('\u{10000}' < '\uffff').toBe(true);
    expectAscending('text', ['b', 'a\u{10000}', 'a\uffff', 'a\u0000', 'a', ''], { direction: 'desc' });
  });

  it('pins the escaping of U+0000 and the terminator', () => {
    expect(hex(key('text', 'a\u0000b'))).toBe('126100ff620001');
    expect(hex(key('text', ''))).toBe('120001');
    expect(hex(key('text', 'a\u0000b', { direction: 'desc' }))).toBe('ed9eff009dfffe');
    expect(hex(key('bytea', Uint8Array.of(0, 0xff)))).toBe('1200ffff0001');
  });

  it('keeps a leading byte order mark', () => {
    expect(decodeKey(key('text', '\ufeffx'), [{ type: 'text' }])).toEqual(['\ufeffx']);
  });

  it('refuses lone surrogates, which UTF-8 cannot hold', () => {
    expect(() => key('text', 'a\ud800')).toThrow(AssertionError);
    expect(() => key('text', '\udc00a')).toThrow(AssertionError);
  });

  it('refuses invalid UTF-8 and broken escapes', () => {
    expectDecodeError([0x12, 0xc0, 0x80, 0x00, 0x01], { type: 'text' }); // overlong U+0000
    expectDecodeError([0x12, 0xed, 0xa0, 0x80, 0x00, 0x01], { type: 'text' }); // encoded surrogate
    expectDecodeError([0x12, 0x61, 0x00, 0x02], { type: 'text' }); // 0x00 0x02 is no escape
    expectDecodeError([0x12, 0x61, 0x00], { type: 'bytea' }); // no terminator
  });

  it('ignores the trailing spaces of char(n)', () => {
    // "trailing spaces are treated as semantically insignificant and disregarded when comparing
    // two values of type character" (manual 8.3).
    expect(hex(key('bpchar', 'ab  '))).toBe(hex(key('bpchar', 'ab')));
    expectAscending('bpchar', ['ab   ', 'ab\u0001', 'ab!']);
    expect(decodeKey(key('bpchar', 'ab  '), [{ type: 'bpchar' }])).toEqual(['ab']);
    expectDecodeError([0x12, 0x61, 0x20, 0x00, 0x01], { type: 'bpchar' }); // a kept trailing space
  });
});

describe('NULL', () => {
  it('sorts last ascending and first descending by default, else where NULLS FIRST/LAST says', () => {
    // "By default, null values sort as if larger than any non-null value; that is, NULLS FIRST is
    // the default for DESC order, and NULLS LAST otherwise" (manual 7.5).
    expectAscending('int4', [int4Min, 0, int4Max, null]);
    expectAscending('int4', [null, int4Max, 0, int4Min], { direction: 'desc' });
    expectAscending('int4', [null, int4Min, int4Max], { nulls: 'first' });
    expectAscending('int4', [int4Max, int4Min, null], { direction: 'desc', nulls: 'last' });
    expectAscending('text', ['', '\u{10ffff}', null]);
    expectAscending('float8', [NaN, null]);
  });

  it('refuses the marker of the other placement', () => {
    expectDecodeError([0xff], { type: 'int4', nulls: 'first' });
    expectDecodeError([0x00], { type: 'int4' });
  });
});

describe('dates and times', () => {
  it("sort '-infinity' first and 'infinity' last", () => {
    // -infinity is "earlier than all other time stamps", infinity "later than all other time
    // stamps" (manual 8.5.1.4); the same holds for dates.
    expectAscending('timestamp', [TIMESTAMP_MINUS_INFINITY_MICROS, timestampMicrosMin, -1n, 0n, timestampMicrosMax,
      TIMESTAMP_INFINITY_MICROS]);
    expectAscending('date', [-Infinity, -2_440_588, 0, 2_145_042_905, Infinity]);
    expect(decodeKey(key('timestamptz', TIMESTAMP_INFINITY_MICROS), [{ type: 'timestamptz' }])).toEqual([TIMESTAMP_INFINITY_MICROS]);
    expect(decodeKey(key('date', -Infinity, { direction: 'desc' }), [{ type: 'date', direction: 'desc' }])).toEqual([-Infinity]);
  });

  it("accept time '24:00:00' above every other time", () => {
    expectAscending('time', [0n, day - 1n, day]);
    expect(() => key('time', day + 1n)).toThrow(AssertionError);
  });

  it('refuse finite timestamps the int64 sentinels leave no room for', () => {
    // One above the largest finite timestamp is the 'infinity' sentinel itself; beyond it nothing.
    expect(hex(key('timestamp', timestampMicrosMax + 1n))).toBe(hex(key('timestamp', TIMESTAMP_INFINITY_MICROS)));
    expect(() => key('timestamp', timestampMicrosMax + 2n)).toThrow(AssertionError);
    expect(() => key('timestamp', timestampMicrosMin - 1n)).toThrow(AssertionError);
  });
});

describe('integers', () => {
  it('pin the varint format', () => {
    const cases: [number, string][] = [[0, '40'], [127, 'bf'], [128, 'c000'], [383, 'c0ff'], [384, 'c10100'],
      [-1, '3fff'], [-256, '3f00'], [-257, '3efeff'], [int4Max, 'c37fffff7f'], [int4Min, '3c80000000']];
    for (const [value, bytes] of cases) expect(hex(key('int4', value)), String(value)).toBe(bytes);
    expect(hex(key('int8', -(2n ** 63n)))).toBe('388000000000000000');
    expect(hex(key('int8', 2n ** 63n - 1n))).toBe('c77fffffffffffff7f');
  });

  it('refuse a varint that is not in its shortest form or is out of the type', () => {
    expectDecodeError([0xc1, 0x00, 0x05], { type: 'int4' });
    expectDecodeError([0x3e, 0xff, 0x05], { type: 'int4' });
    expectDecodeError([0xc1, 0x80, 0x00], { type: 'int2' }); // 32896 > 32767
  });

  it('sort bool false before true', () => {
    expectAscending('bool', [false, true, null]);
  });
});

describe('uuid', () => {
  it('sorts by its bytes and refuses non-canonical spellings', () => {
    expectAscending('uuid', ['00000000-0000-0000-0000-000000000000', '0000000f-0000-0000-0000-000000000000',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ffffffff-ffff-ffff-ffff-ffffffffffff']);
    expect(() => key('uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toThrow(AssertionError);
    expect(() => key('uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a11')).toThrow(AssertionError);
  });
});

describe('composite keys', () => {
  it('refuse trailing bytes and truncation', () => {
    const columns: KeyColumn[] = [{ type: 'int4' }, { type: 'text' }];
    const bytes = encodeKey([1, 'x'], columns);
    expect(() => decodeKey(Uint8Array.of(...bytes, 0), columns)).toThrow(KeyDecodeError);
    expect(() => decodeKey(bytes.subarray(0, bytes.length - 1), columns)).toThrow(KeyDecodeError);
  });

  it('refuse more values than columns', () => {
    expect(() => encodeKey([1, 2], [{ type: 'int4' }])).toThrow(AssertionError);
  });
});

describe('prefixEnd', () => {
  it('increments the last byte that is not 0xff', () => {
    expect(prefixEnd(Uint8Array.of(1, 2))).toEqual(Uint8Array.of(1, 3));
    expect(prefixEnd(Uint8Array.of(1, 0xff, 0xff))).toEqual(Uint8Array.of(2));
    expect(prefixEnd(Uint8Array.of(0xff, 0xff))).toBeUndefined();
    expect(prefixEnd(new Uint8Array(0))).toBeUndefined();
  });
});

describe('unsigned varints', () => {
  it('ascend with the value and round-trip', () => {
    const values = [0, 1, 127, 128, 383, 384, 65_919, 65_920, 2 ** 32, Number.MAX_SAFE_INTEGER];
    const encoded = values.map((value) => {
      const writer = new ByteWriter(1);
      encodeUvarintAscending(writer, value);
      return writer.toBytes();
    });
    for (let i = 0; i < values.length; i++) {
      const reader = new KeyReader(encoded[i] as Uint8Array);
      expect(decodeUvarintAscending(reader)).toBe(values[i]);
      expect(reader.atEnd).toBe(true);
      if (i > 0) expect(compareBytes(encoded[i - 1] as Uint8Array, encoded[i] as Uint8Array)).toBe(-1);
    }
    expect(hex(encoded[0] as Uint8Array)).toBe('40');
    expect(() => decodeUvarintAscending(new KeyReader(Uint8Array.of(0x3f, 0x00)))).toThrow(KeyDecodeError);
    expect(() => encodeUvarintAscending(new ByteWriter(), -1)).toThrow(AssertionError);
  });
});
