/**
 * The functions behind pg_cast's function casts (and the function-style calls that share them,
 * e.g. int4(numeric)), keyed by PostgreSQL's C symbol so that pg-cast.gen.ts and
 * pg-proc.gen.ts rows find them. Each does what its PostgreSQL namesake does, with its rounding
 * and range errors: float to integer rounds half to even (rint), numeric to integer rounds half
 * away from zero, out-of-range values raise 22003.
 */
import { Decimal } from 'decimal.js';
import type { Interval } from '../../../storage/key-codec/datum.js';
import { PgError } from '../errors/pg-error.js';
import {
  floorDiv, floorMod, isValidTimestamp, MICROS_PER_DAY, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
} from './datetime/calendar.js';
import { fromLocal, roundTime, roundTimestamp, toLocal } from './datetime/datetime-io.js';
import { applyIntervalTypmod } from './datetime/interval-io.js';
import { rint } from './datetime/parse-datetime.js';
import { decimalTextToFloat4, float4ToDecimalText, float8ToDecimalText, parseFloat8 } from './io/float-io.js';
import { applyNumericTypmod, parseNumeric } from './io/numeric-io.js';
import { applyCharLength, bpcharTrim, toName } from './io/text-io.js';
import { jsonbKind, type JsonbValue } from './jsonb-value.js';
import { Exact, formatNumeric, numeric } from './numeric-value.js';
import type { TypeContext } from './type-context.js';
import type { Value } from './value.js';

export type Conversion = (value: Value, ctx: TypeContext, typmod: number, explicit: boolean) => Value;

const INT2_MIN = -32768;
const INT2_MAX = 32767;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export const smallintOutOfRange = (): PgError => new PgError('22003', 'smallint out of range');
export const integerOutOfRange = (): PgError => new PgError('22003', 'integer out of range');
export const bigintOutOfRange = (): PgError => new PgError('22003', 'bigint out of range');

export function checkInt2(n: number): number {
  if (!(n >= INT2_MIN && n <= INT2_MAX)) throw smallintOutOfRange();
  return n;
}

export function checkInt4(n: number): number {
  if (!(n >= INT4_MIN && n <= INT4_MAX)) throw integerOutOfRange();
  return n;
}

export function checkInt8(n: bigint): bigint {
  if (n < INT8_MIN || n > INT8_MAX) throw bigintOutOfRange();
  return n;
}

/** float to smallint/integer: rint, then FLOATn_FITS_IN_INTm (NaN never fits). */
function floatToInt(value: number, min: number, max: number, error: () => PgError): number {
  const n = rint(value);
  if (Number.isNaN(n) || !(n >= min && n < -min) || n > max) throw error();
  return n === 0 ? 0 : n;
}

function floatToInt8(value: number): bigint {
  const n = rint(value);
  if (Number.isNaN(n) || !(n >= -(2 ** 63) && n < 2 ** 63)) throw bigintOutOfRange();
  return BigInt(n);
}

/** float8 to float4, with PostgreSQL's overflow and underflow errors. */
export function float8ToFloat4(value: number): number {
  const result = Math.fround(value);
  if (!Number.isFinite(result) && Number.isFinite(value)) throw new PgError('22003', 'value out of range: overflow');
  if (result === 0 && value !== 0) throw new PgError('22003', 'value out of range: underflow');
  return result;
}

/** numeric to an integer type: round half away from zero, then check the range. */
function numericToInteger(value: Decimal, typeName: 'smallint' | 'integer' | 'bigint'): bigint {
  if (value.isNaN()) throw new PgError('0A000', `cannot convert NaN to ${typeName}`);
  if (!value.isFinite()) throw new PgError('0A000', `cannot convert infinity to ${typeName}`);
  const rounded = new Exact(value).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  if (rounded.abs().gt('9223372036854775808')) {
    throw typeName === 'smallint' ? smallintOutOfRange() : typeName === 'integer' ? integerOutOfRange() : bigintOutOfRange();
  }
  return BigInt(rounded.toFixed(0));
}

export function numericToInt2(value: Decimal): number {
  const n = numericToInteger(value, 'smallint');
  if (n < BigInt(INT2_MIN) || n > BigInt(INT2_MAX)) throw smallintOutOfRange();
  return Number(n);
}

export function numericToInt4(value: Decimal): number {
  const n = numericToInteger(value, 'integer');
  if (n < BigInt(INT4_MIN) || n > BigInt(INT4_MAX)) throw integerOutOfRange();
  return Number(n);
}

export function numericToInt8(value: Decimal): bigint {
  return checkInt8(numericToInteger(value, 'bigint'));
}

export function numericToFloat8(value: Decimal): number {
  if (value.isNaN()) return NaN;
  if (!value.isFinite()) return value.isNegative() ? -Infinity : Infinity;
  return parseFloat8(value.toString());
}

export function numericToFloat4(value: Decimal): number {
  if (value.isNaN()) return NaN;
  if (!value.isFinite()) return value.isNegative() ? -Infinity : Infinity;
  const text = value.toString();
  const double = Number(text);
  const single = decimalTextToFloat4(text);
  if ((!Number.isFinite(single) && Number.isFinite(double)) || (single === 0 && !value.isZero())) {
    throw new PgError('22003', `"${formatNumeric(value)}" is out of range for type real`);
  }
  return single;
}

/** float to numeric starts from printf's %.15g (%.6g for real), as PostgreSQL does. */
export function float8ToNumeric(value: number): Decimal {
  if (Number.isNaN(value)) return numeric(NaN);
  if (!Number.isFinite(value)) return numeric(value);
  return parseNumeric(float8ToDecimalText(value));
}

export function float4ToNumeric(value: number): Decimal {
  if (Number.isNaN(value)) return numeric(NaN);
  if (!Number.isFinite(value)) return numeric(value);
  return parseNumeric(float4ToDecimalText(value));
}

export function intToNumeric(value: number | bigint): Decimal {
  return numeric(value.toString(), 0);
}

/** A date as the timestamp of its midnight, with PostgreSQL's range check. */
export function dateToTimestamp(days: number): bigint {
  if (days === Infinity) return TIMESTAMP_INFINITY_MICROS;
  if (days === -Infinity) return TIMESTAMP_MINUS_INFINITY_MICROS;
  const micros = BigInt(days) * MICROS_PER_DAY;
  if (!isValidTimestamp(micros)) throw new PgError('22008', 'date out of range for timestamp');
  return micros;
}

export function timestampToDate(micros: bigint): number {
  if (micros === TIMESTAMP_INFINITY_MICROS) return Infinity;
  if (micros === TIMESTAMP_MINUS_INFINITY_MICROS) return -Infinity;
  return Number(floorDiv(micros, MICROS_PER_DAY));
}

export function isInfiniteTimestamp(micros: bigint): boolean {
  return micros === TIMESTAMP_INFINITY_MICROS || micros === TIMESTAMP_MINUS_INFINITY_MICROS;
}

/** timestamptz to the local timestamp of the session's zone. */
export function timestamptzToTimestamp(utc: bigint, ctx: TypeContext): bigint {
  if (isInfiniteTimestamp(utc)) return utc;
  const { localMicros } = toLocal(utc, ctx.timeZone);
  if (!isValidTimestamp(localMicros)) throw new PgError('22008', 'timestamp out of range');
  return localMicros;
}

/** A local timestamp in the session's zone to the instant it names. */
export function timestampToTimestamptz(local: bigint, ctx: TypeContext): bigint {
  if (isInfiniteTimestamp(local)) return local;
  const utc = fromLocal(local, ctx.timeZone);
  if (!isValidTimestamp(utc)) throw new PgError('22008', 'timestamp out of range');
  return utc;
}

function jsonbToScalar(value: JsonbValue, target: string): JsonbValue {
  const kind = jsonbKind(value);
  const wanted = target === 'boolean' ? 'boolean' : 'number';
  if (kind !== wanted) {
    // PostgreSQL names the jsonb kinds here as its JsonbValue types: null, string, numeric, boolean...
    const name = kind === 'number' ? 'numeric' : kind;
    throw new PgError('22023', `cannot cast jsonb ${name} to type ${target}`);
  }
  return value;
}

const textChar = (text: string): string => {
  const first = new TextEncoder().encode(text)[0];
  return first === undefined ? '' : String.fromCharCode(first);
};

/** The conversion functions, by PostgreSQL's C symbol. */
export const conversions: Readonly<Record<string, Conversion>> = {
  bool_int4: (v) => (v ? 1 : 0),
  int4_bool: (v) => v !== 0,
  booltext: (v) => (v ? 'true' : 'false'),
  chartoi4: (v) => {
    const code = (v as string).charCodeAt(0) || 0;
    return code >= 128 ? code - 256 : code;
  },
  i4tochar: (v) => {
    const n = v as number;
    if (n < -128 || n > 127) throw new PgError('22003', '"char" out of range');
    const code = n < 0 ? n + 256 : n;
    return code === 0 ? '' : String.fromCharCode(code);
  },
  char_text: (v) => {
    const code = (v as string).charCodeAt(0) || 0;
    // A high-bit "char" is not valid text on its own; PostgreSQL prints it as \ooo here too.
    return code >= 128 ? `\\${code.toString(8).padStart(3, '0')}` : (v as string);
  },
  char_bpchar: (v) => v,
  text_char: (v) => textChar(v as string),
  name_text: (v) => v,
  name_bpchar: (v) => v,
  text_name: (v) => toName(v as string),
  bpchar_name: (v) => toName(bpcharTrim(v as string)),
  rtrim1: (v) => bpcharTrim(v as string),
  int82: (v) => {
    const n = v as bigint;
    if (n < BigInt(INT2_MIN) || n > BigInt(INT2_MAX)) throw smallintOutOfRange();
    return Number(n);
  },
  int84: (v) => {
    const n = v as bigint;
    if (n < BigInt(INT4_MIN) || n > BigInt(INT4_MAX)) throw integerOutOfRange();
    return Number(n);
  },
  i8tooid: (v) => {
    const n = v as bigint;
    if (n < 0n || n > 4294967295n) throw new PgError('22003', 'OID out of range');
    return Number(n);
  },
  i8tof: (v) => decimalTextToFloat4(String(v as bigint)),
  i8tod: (v) => Number(v as bigint),
  int8_numeric: (v) => intToNumeric(v as bigint),
  int28: (v) => BigInt(v as number),
  i2toi4: (v) => v,
  i2tof: (v) => v,
  i2tod: (v) => v,
  int2_numeric: (v) => intToNumeric(v as number),
  int48: (v) => BigInt(v as number),
  i4toi2: (v) => checkInt2(v as number),
  i4tof: (v) => Math.fround(v as number),
  i4tod: (v) => v,
  int4_numeric: (v) => intToNumeric(v as number),
  oidtoi8: (v) => BigInt(v as number),
  ftoi8: (v) => floatToInt8(v as number),
  ftoi2: (v) => floatToInt(v as number, INT2_MIN, INT2_MAX, smallintOutOfRange),
  ftoi4: (v) => floatToInt(v as number, INT4_MIN, INT4_MAX, integerOutOfRange),
  ftod: (v) => v,
  float4_numeric: (v) => float4ToNumeric(v as number),
  dtoi8: (v) => floatToInt8(v as number),
  dtoi2: (v) => floatToInt(v as number, INT2_MIN, INT2_MAX, smallintOutOfRange),
  dtoi4: (v) => floatToInt(v as number, INT4_MIN, INT4_MAX, integerOutOfRange),
  dtof: (v) => float8ToFloat4(v as number),
  float8_numeric: (v) => float8ToNumeric(v as number),
  numeric_int8: (v) => numericToInt8(v as Decimal),
  numeric_int2: (v) => numericToInt2(v as Decimal),
  numeric_int4: (v) => numericToInt4(v as Decimal),
  numeric_float4: (v) => numericToFloat4(v as Decimal),
  numeric_float8: (v) => numericToFloat8(v as Decimal),
  numeric: (v, _ctx, typmod) => applyNumericTypmod(v as Decimal, typmod),
  bpchar: (v, _ctx, typmod, explicit) => applyCharLength(v as string, typmod, 'bpchar', explicit),
  varchar: (v, _ctx, typmod, explicit) => applyCharLength(v as string, typmod, 'varchar', explicit),
  date_timestamp: (v) => dateToTimestamp(v as number),
  date_timestamptz: (v, ctx) => {
    const local = dateToTimestamp(v as number);
    return timestampToTimestamptz(local, ctx);
  },
  timestamp_date: (v) => timestampToDate(v as bigint),
  timestamp_time: (v) => {
    const micros = v as bigint;
    if (isInfiniteTimestamp(micros)) return null;
    return floorMod(micros, MICROS_PER_DAY);
  },
  timestamp_timestamptz: (v, ctx) => timestampToTimestamptz(v as bigint, ctx),
  timestamptz_date: (v, ctx) => timestampToDate(timestamptzToTimestamp(v as bigint, ctx)),
  timestamptz_time: (v, ctx) => {
    const micros = v as bigint;
    if (isInfiniteTimestamp(micros)) return null;
    return floorMod(timestamptzToTimestamp(micros, ctx), MICROS_PER_DAY);
  },
  timestamptz_timestamp: (v, ctx) => timestamptzToTimestamp(v as bigint, ctx),
  time_interval: (v): Interval => ({ months: 0, days: 0, micros: v as bigint }),
  interval_time: (v) => {
    const span = (v as Interval).micros % MICROS_PER_DAY;
    return span < 0n ? span + MICROS_PER_DAY : span;
  },
  time_scale: (v, _ctx, typmod) => roundTime(v as bigint, typmod),
  timestamp_scale: (v, _ctx, typmod) => roundTimestamp(v as bigint, typmod),
  timestamptz_scale: (v, _ctx, typmod) => roundTimestamp(v as bigint, typmod),
  interval_scale: (v, _ctx, typmod) => applyIntervalTypmod(v as Interval, typmod),
  jsonb_bool: (v) => jsonbToScalar(v as JsonbValue, 'boolean') as boolean,
  jsonb_int2: (v) => numericToInt2(jsonbToScalar(v as JsonbValue, 'smallint') as Decimal),
  jsonb_int4: (v) => numericToInt4(jsonbToScalar(v as JsonbValue, 'integer') as Decimal),
  jsonb_int8: (v) => numericToInt8(jsonbToScalar(v as JsonbValue, 'bigint') as Decimal),
  jsonb_float4: (v) => numericToFloat4(jsonbToScalar(v as JsonbValue, 'real') as Decimal),
  jsonb_float8: (v) => numericToFloat8(jsonbToScalar(v as JsonbValue, 'double precision') as Decimal),
  jsonb_numeric: (v) => jsonbToScalar(v as JsonbValue, 'numeric') as Decimal,
};

