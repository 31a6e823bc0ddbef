/**
 * fast-check generators of SQL values, biased toward the edges where an order-preserving encoding
 * goes wrong: zero and -0, NaN and the infinities, type minimums and maximums, varint length
 * boundaries, empty strings and byte strings, U+0000 / U+FFFF / astral characters, numerics with
 * huge or tiny exponents and long digit strings. Pairs are often near neighbours (one derived from
 * the other) so that comparisons reach deep into the bytes. Test-only.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import {
  DATUM_TYPES, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
  type Datum, type DatumByType, type DatumType, type Interval,
} from '../datum.js';
import type { KeyColumn } from '../key-column.js';
import {
  dateDaysMax, dateDaysMin, int2Max, int2Min, int4Max, int4Min, int8Max, int8Min,
  numericLeadingExponentMax, numericTrailingExponentMin, timeMicrosMax, timestampMicrosMax,
  timestampMicrosMin,
} from '../limits.js';

type NonNull = DatumByType[DatumType];

const MICROS_PER_DAY = 86_400_000_000n;

/** Integers next to the varint length boundaries (128 + 256^n and -256^n), within [min, max]. */
function varintEdges(min: bigint, max: bigint): bigint[] {
  const edges = [0n, 1n, -1n, 127n, 128n, 129n, min, min + 1n, max, max - 1n];
  for (let n = 1n; n <= 9n; n++) {
    const power = 256n ** n;
    edges.push(127n + power, 128n + power, -power, -power - 1n, -power + 1n);
  }
  return [...new Set(edges)].filter((x) => x >= min && x <= max);
}

function integerArb(min: number, max: number): fc.Arbitrary<number> {
  const edges = varintEdges(BigInt(min), BigInt(max)).map(Number);
  return fc.oneof(fc.constantFrom(...edges), fc.integer({ min: -300, max: 300 }), fc.integer({ min, max }));
}

function bigintArb(min: bigint, max: bigint, extras: bigint[] = []): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(...varintEdges(min, max), ...extras),
    fc.bigInt({ min: -300n > min ? -300n : min, max: 300n < max ? 300n : max }),
    fc.bigInt({ min, max }),
  );
}

const float8Arb = fc.oneof(
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE,
    -Number.MAX_VALUE, 2.2250738585072014e-308, 1, -1, 0.1, -0.1, 2 ** 53, -(2 ** 53)),
  fc.double(),
  fc.integer().map((x) => x / 8),
);

const float4Arb = fc.oneof(
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.401298464324817e-45, -1.401298464324817e-45,
    3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 1, -1, Math.fround(0.1)),
  fc.float(),
);

const digitArb = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');

/** A digit string: short, long, or made of few distinct digits (shared prefixes, zeros). */
const digitStringArb = fc.oneof(
  fc.constantFrom('0', '000', '1', '10', '100', '5', '99', '990', '1000000000', '123456789012345678901234567890'),
  fc.string({ unit: digitArb, minLength: 1, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('0', '1', '9'), minLength: 1, maxLength: 12 }),
  fc.string({ unit: digitArb, minLength: 100, maxLength: 400 }),
);

const exponentArb = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.constantFrom(numericTrailingExponentMin, -1000, -1001, -20, 0, 1000, 1001, numericLeadingExponentMax),
  fc.integer({ min: numericTrailingExponentMin, max: numericLeadingExponentMax }),
);

/** digits × 10^exponent, with the exponent pulled into numeric's range. */
function decimalOf(negative: boolean, digits: string, exponent: number): Decimal {
  const clamped = Math.max(numericTrailingExponentMin, Math.min(exponent, numericLeadingExponentMax + 1 - digits.length));
  return new Decimal(`${negative ? '-' : ''}${digits}e${clamped}`);
}

const numericArb: fc.Arbitrary<Decimal> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '-0', '-0.000', '0.00', '1.50', '1.5',
    '1e-1000', '1e1000', '-1e1000', '-1e-1000', '1e-16383', '9e131071', '0.01', '-99.99').map((s) => new Decimal(s)) },
  { weight: 6, arbitrary: fc.tuple(fc.boolean(), digitStringArb, exponentArb).map(([n, d, e]) => decimalOf(n, d, e)) },
);

/** Characters where UTF-8, UTF-16 and escaping disagree or sit on a boundary. */
const edgeCharArb = fc.constantFrom('\u0000', '\u0001', ' ', 'a', 'b', '\u007f', '\u0080', '\u00ff', '\u07ff', '\u0800',
  '\ud7ff', '\ue000', '\ufeff', '\ufffe', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}');

const textArb = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a', 'a\u0000', '\uffff', '\u{1f600}'),
  fc.string({ unit: edgeCharArb, maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ maxLength: 80 }),
);

const byteEdgeArb = fc.constantFrom(0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff);
const byteaArb = fc.oneof(
  fc.constantFrom(new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0xff), Uint8Array.of(0, 1)),
  fc.array(byteEdgeArb, { maxLength: 8 }).map((bytes) => Uint8Array.from(bytes)),
  fc.uint8Array({ maxLength: 40 }),
);

const dateArb = fc.oneof(
  fc.constantFrom(-Infinity, Infinity, dateDaysMin, dateDaysMax, 0, -1, 10_957),
  integerArb(dateDaysMin, dateDaysMax),
);

const timestampArb = fc.oneof(
  fc.constantFrom(TIMESTAMP_MINUS_INFINITY_MICROS, TIMESTAMP_INFINITY_MICROS),
  bigintArb(timestampMicrosMin, timestampMicrosMax, [1_700_000_000_000_000n]),
);

const int32Edges = [0, 1, -1, 30, -30, 12, int4Min, int4Max, int4Min + 1, int4Max - 1];
const intervalArb: fc.Arbitrary<Interval> = fc.record({
  months: fc.oneof(fc.constantFrom(...int32Edges), fc.integer({ min: -30, max: 30 }), fc.integer({ min: int4Min, max: int4Max })),
  days: fc.oneof(fc.constantFrom(...int32Edges), fc.integer({ min: -60, max: 60 }), fc.integer({ min: int4Min, max: int4Max })),
  micros: fc.oneof(
    fc.constantFrom(0n, 1n, -1n, MICROS_PER_DAY, -MICROS_PER_DAY, MICROS_PER_DAY * 30n, int8Min, int8Max),
    fc.bigInt({ min: -3n * MICROS_PER_DAY, max: 3n * MICROS_PER_DAY }),
    fc.bigInt({ min: int8Min, max: int8Max }),
  ),
});

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
export function uuidOfBytes(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => HEX[b] as string).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidArb = fc.oneof(
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
  fc.uuid(),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map(uuidOfBytes),
  fc.array(byteEdgeArb, { minLength: 16, maxLength: 16 }).map((bytes) => uuidOfBytes(Uint8Array.from(bytes))),
);

const valueArbs: { readonly [T in DatumType]: fc.Arbitrary<DatumByType[T]> } = {
  int2: integerArb(int2Min, int2Max),
  int4: integerArb(int4Min, int4Max),
  int8: bigintArb(int8Min, int8Max),
  float4: float4Arb,
  float8: float8Arb,
  numeric: numericArb,
  text: textArb,
  varchar: textArb,
  bpchar: fc.oneof(textArb, fc.tuple(textArb, fc.constantFrom(' ', '  ')).map(([t, s]) => t + s)),
  bytea: byteaArb,
  bool: fc.boolean(),
  date: dateArb,
  time: bigintArb(0n, timeMicrosMax, [MICROS_PER_DAY - 1n]),
  timestamp: timestampArb,
  timestamptz: timestampArb,
  interval: intervalArb,
  uuid: uuidArb,
};

/** A non-null value of the type. */
export function valueArb<T extends DatumType>(type: T): fc.Arbitrary<DatumByType[T]> {
  return valueArbs[type] as fc.Arbitrary<DatumByType[T]>;
}

/** A value of the type or, one time in eight, NULL. */
export function datumArb(type: DatumType): fc.Arbitrary<Datum> {
  return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 7, arbitrary: valueArb(type) as fc.Arbitrary<Datum> });
}

/**
 * Two values of the type: independent, equal, or the second a near neighbour of the first
 * (see `neighbour`). Either may be NULL.
 */
export function datumPairArb(type: DatumType): fc.Arbitrary<[Datum, Datum]> {
  const independent = fc.tuple(datumArb(type), datumArb(type));
  const related = fc.tuple(valueArb(type), fc.nat()).map(([a, choice]): [Datum, Datum] => [a, neighbour(type, a, choice)]);
  return fc.oneof({ weight: 1, arbitrary: independent }, { weight: 2, arbitrary: related });
}

/** A key column of any type, direction and NULL placement (sometimes left to the default). */
export const keyColumnArb: fc.Arbitrary<KeyColumn> = fc
  .tuple(fc.constantFrom(...DATUM_TYPES), fc.constantFrom('asc' as const, 'desc' as const, undefined),
    fc.constantFrom('first' as const, 'last' as const, undefined))
  .map(([type, direction, nulls]) => ({
    type,
    ...(direction === undefined ? {} : { direction }),
    ...(nulls === undefined ? {} : { nulls }),
  }));

/**
 * A value equal to, or just beside, a: the cases an encoding is most likely to get wrong. `choice`
 * picks which; a neighbour outside the type's range falls back to a itself.
 */
export function neighbour(type: DatumType, a: NonNull, choice: number): Datum {
  const candidates = neighbours(type, a);
  return candidates[choice % candidates.length] as NonNull;
}

function neighbours(type: DatumType, a: NonNull): NonNull[] {
  switch (type) {
    case 'int2':
      return inRange([a as number, (a as number) + 1, (a as number) - 1, -(a as number)], int2Min, int2Max);
    case 'int4':
      return inRange([a as number, (a as number) + 1, (a as number) - 1, -(a as number)], int4Min, int4Max);
    case 'date':
      return [a, ...inRange([(a as number) + 1, (a as number) - 1], dateDaysMin, dateDaysMax)];
    case 'int8':
      return bigRange([a as bigint, (a as bigint) + 1n, (a as bigint) - 1n, -(a as bigint)], int8Min, int8Max);
    case 'time':
      return bigRange([a as bigint, (a as bigint) + 1n, (a as bigint) - 1n], 0n, timeMicrosMax);
    case 'timestamp':
    case 'timestamptz':
      return [a, ...bigRange([(a as bigint) + 1n, (a as bigint) - 1n], timestampMicrosMin, timestampMicrosMax)];
    case 'float4':
      return [a, -(a as number), ...adjacentFloats(a as number, 4)];
    case 'float8':
      return [a, -(a as number), ...adjacentFloats(a as number, 8)];
    case 'numeric':
      return numericNeighbours(a as Decimal);
    case 'text':
    case 'varchar':
    case 'bpchar':
      return textNeighbours(a as string);
    case 'bytea':
      return byteaNeighbours(a as Uint8Array);
    case 'bool':
      return [a, !a];
    case 'interval':
      return intervalNeighbours(a as Interval);
    case 'uuid':
      return uuidNeighbours(a as string);
  }
}

function inRange(values: number[], min: number, max: number): number[] {
  return values.filter((x) => x >= min && x <= max);
}

function bigRange(values: bigint[], min: bigint, max: bigint): bigint[] {
  return values.filter((x) => x >= min && x <= max);
}

/** The floats of the same width just below and above x (by bit pattern). */
function adjacentFloats(x: number, widthBytes: 4 | 8): number[] {
  if (!Number.isFinite(x)) return [];
  const view = new DataView(new ArrayBuffer(8));
  const result: number[] = [];
  for (const delta of [-1n, 1n]) {
    if (widthBytes === 4) {
      view.setFloat32(0, x);
      view.setUint32(0, Number((BigInt(view.getUint32(0)) + delta) & 0xffff_ffffn));
      result.push(view.getFloat32(0));
    } else {
      view.setFloat64(0, x);
      view.setBigUint64(0, (view.getBigUint64(0) + delta) & 0xffff_ffff_ffff_ffffn);
      result.push(view.getFloat64(0));
    }
  }
  return result;
}

/** Decimal digits and exponent by string surgery: decimal.js arithmetic would round. */
function numericNeighbours(a: Decimal): Decimal[] {
  if (!a.isFinite() || a.isZero()) return [a, new Decimal(0), new Decimal('-0.000'), new Decimal('1e-16383')];
  const [mantissa = '', exponentText = '0'] = a.abs().toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText) - (digits.length - 1); // of the last digit
  const negative = a.isNegative();
  const last = Number(digits[digits.length - 1]);
  const candidates: [boolean, string, number][] = [
    [negative, digits, exponent],
    [!negative, digits, exponent],
    [negative, `${digits}1`, exponent - 1],
    [negative, `${digits}000`, exponent - 3], // the same value with trailing zeros
    [negative, digits.slice(0, -1) + String((last + 1) % 10), exponent],
    [negative, digits.slice(0, -1) + String((last + 9) % 10), exponent],
    [negative, digits.length > 1 ? digits.slice(0, -1) : '1', exponent + 1],
    [negative, digits, exponent + 1],
  ];
  return candidates
    .filter(([, d, e]) => e >= numericTrailingExponentMin && e + d.length - 1 <= numericLeadingExponentMax)
    .map(([n, d, e]) => new Decimal(`${n ? '-' : ''}${d}e${e}`));
}

function textNeighbours(a: string): string[] {
  const chars = Array.from(a);
  return [a, a + '\u0000', a + ' ', a + '\u0001', a + '\uffff', a + '\u{10000}', chars.slice(0, -1).join(''),
    chars.slice(0, -1).join('') + '\u0000', `${a}a`];
}

function byteaNeighbours(a: Uint8Array): Uint8Array[] {
  const changedLast = a.slice();
  if (changedLast.length > 0) changedLast[changedLast.length - 1] = ((changedLast.at(-1) as number) + 1) & 0xff;
  return [a, Uint8Array.of(...a, 0), Uint8Array.of(...a, 0xff), Uint8Array.of(...a, 1), a.slice(0, -1), changedLast];
}

function intervalNeighbours(a: Interval): Interval[] {
  const candidates: Interval[] = [
    a,
    { months: a.months - 1, days: a.days + 30, micros: a.micros }, // the same span
    { months: a.months + 1, days: a.days - 30, micros: a.micros },
    { months: a.months, days: a.days - 1, micros: a.micros + MICROS_PER_DAY },
    { months: a.months, days: a.days + 1, micros: a.micros - MICROS_PER_DAY },
    { months: a.months, days: a.days, micros: a.micros + 1n },
    { months: a.months, days: a.days, micros: a.micros - 1n },
    { months: -a.months, days: -a.days, micros: -a.micros },
  ];
  return candidates.filter((i) => i.months >= int4Min && i.months <= int4Max && i.days >= int4Min && i.days <= int4Max
    && i.micros >= int8Min && i.micros <= int8Max);
}

function uuidNeighbours(a: string): string[] {
  const bytes = Uint8Array.from(a.replaceAll('-', '').match(/../g) ?? [], (h) => parseInt(h, 16));
  const next = bytes.slice();
  next[15] = ((next[15] as number) + 1) & 0xff;
  const first = bytes.slice();
  first[0] = ((first[0] as number) + 1) & 0xff;
  return [a, uuidOfBytes(next), uuidOfBytes(first)];
}
