/**
 * Arithmetic of smallint, integer, bigint, real and double precision, as int.c, int8.c and
 * float.c do it: integer results out of their type's range raise 22003 ("integer out of
 * range"), division by zero 22012, and float results that overflow to infinity or underflow to
 * zero from finite nonzero inputs raise 22003 ("value out of range: overflow"/"underflow").
 */
import { PgError } from '../../errors/pg-error.js';
import { bigintOutOfRange, checkInt4, checkInt8, float8ToFloat4, integerOutOfRange, smallintOutOfRange } from '../../types/conversions.js';
import { rint } from '../../types/datetime/parse-datetime.js';
import type { ScalarImpl } from '../function-types.js';
import { MoreSqlState } from '../../types/sqlstates.js';

const divisionByZero = (): PgError => new PgError('22012', 'division by zero');

type Width = 2 | 4 | 8;

const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));

/** The result of an integer operation in a type of the given width, checked. */
function narrow(value: bigint, width: Width): number | bigint {
  if (width === 8) return checkInt8(value);
  if (width === 4) {
    if (value < -2147483648n || value > 2147483647n) throw integerOutOfRange();
    return Number(value);
  }
  if (value < -32768n || value > 32767n) throw smallintOutOfRange();
  return Number(value);
}

function outOfRange(width: Width): PgError {
  return width === 8 ? bigintOutOfRange() : width === 4 ? integerOutOfRange() : smallintOutOfRange();
}

/** Integer binary operators, keyed like PostgreSQL's int4pl, int48mul, int82div... */
function integerBinary(op: string, width: Width): ScalarImpl {
  switch (op) {
    case 'pl':
      return ([a, b]) => narrow(big(a) + big(b), width);
    case 'mi':
      return ([a, b]) => narrow(big(a) - big(b), width);
    case 'mul':
      return ([a, b]) => narrow(big(a) * big(b), width);
    case 'div':
      return ([a, b]) => {
        const divisor = big(b);
        if (divisor === 0n) throw divisionByZero();
        // BigInt division truncates toward zero, as C's does.
        return narrow(big(a) / divisor, width);
      };
    case 'mod':
      return ([a, b]) => {
        const divisor = big(b);
        if (divisor === 0n) throw divisionByZero();
        return narrow(big(a) % divisor, width);
      };
    case 'and':
      return ([a, b]) => narrow(BigInt.asIntN(64, big(a) & big(b)), width);
    case 'or':
      return ([a, b]) => narrow(BigInt.asIntN(64, big(a) | big(b)), width);
    case 'xor':
      return ([a, b]) => narrow(BigInt.asIntN(64, big(a) ^ big(b)), width);
    case 'shl':
    case 'shr':
      return ([a, b]) => {
        // The shift count is taken modulo the register width, as x86 does for C's shifts.
        const bits = width === 8 ? 64 : 32;
        const count = BigInt(((Number(b) % bits) + bits) % bits);
        const shifted = op === 'shl' ? BigInt.asIntN(bits, big(a) << count) : big(a) >> count;
        return width === 2 ? Number(BigInt.asIntN(16, shifted)) : narrow(shifted, width);
      };
    default:
      throw new Error(`unknown integer operator ${op}`);
  }
}

function integerUnary(op: string, width: Width): ScalarImpl {
  switch (op) {
    case 'um':
      return ([a]) => narrow(-big(a), width);
    case 'up':
      return ([a]) => a;
    case 'abs':
      return ([a]) => {
        const v = big(a);
        return narrow(v < 0n ? -v : v, width);
      };
    case 'not':
      return ([a]) => narrow(~big(a), width);
    default:
      throw new Error(`unknown integer operator ${op}`);
  }
}

/** float8 operation results, checked as float_overflow_error / float_underflow_error do. */
function checkFloat(result: number, a: number, b: number, single: boolean, zeroCheck: boolean): number {
  const value = single ? Math.fround(result) : result;
  if (!Number.isFinite(value) && !Number.isNaN(value) && Number.isFinite(a) && Number.isFinite(b)) {
    throw new PgError('22003', 'value out of range: overflow');
  }
  if (zeroCheck && value === 0 && a !== 0 && Number.isFinite(b)) {
    throw new PgError('22003', 'value out of range: underflow');
  }
  return value;
}

function floatBinary(op: string, single: boolean): ScalarImpl {
  switch (op) {
    case 'pl':
      return ([a, b]) => checkFloat((a as number) + (b as number), a as number, b as number, single, false);
    case 'mi':
      return ([a, b]) => checkFloat((a as number) - (b as number), a as number, b as number, single, false);
    case 'mul':
      return ([a, b]) => {
        const x = a as number;
        const y = b as number;
        const value = checkFloat(x * y, x, y, single, false);
        if (value === 0 && x !== 0 && y !== 0) throw new PgError('22003', 'value out of range: underflow');
        return value;
      };
    case 'div':
      return ([a, b]) => {
        const x = a as number;
        const y = b as number;
        if (y === 0 && !Number.isNaN(x)) throw divisionByZero();
        return checkFloat(x / y, x, y, single, true);
      };
    default:
      throw new Error(`unknown float operator ${op}`);
  }
}

const intKey = /^int(2|4|8)(2|4|8)?(pl|mi|mul|div|mod|and|or|xor|shl|shr)$/;
const intUnaryKey = /^int(2|4|8)(um|up|abs|not)$/;
const floatKey = /^float(4|8)(4|8)?(pl|mi|mul|div)$/;
const floatUnaryKey = /^float(4|8)(um|up|abs)$/;

/** Builds the implementation of an integer or float operator from its C symbol. */
export function arithmeticImpl(key: string): ScalarImpl | undefined {
  let m = intKey.exec(key);
  if (m !== null) {
    const left = Number(m[1]) as Width;
    const right = (m[2] === undefined ? left : Number(m[2])) as Width;
    // Mixed-width operators return the wider type (int24pl returns integer).
    return integerBinary(m[3] as string, Math.max(left, right) as Width);
  }
  m = intUnaryKey.exec(key);
  if (m !== null) return integerUnary(m[2] as string, Number(m[1]) as Width);
  m = floatKey.exec(key);
  if (m !== null) {
    const single = m[1] === '4' && (m[2] === undefined || m[2] === '4');
    return floatBinary(m[3] as string, single);
  }
  m = floatUnaryKey.exec(key);
  if (m !== null) {
    const single = m[1] === '4';
    if (m[2] === 'um') return ([a]) => -(a as number);
    if (m[2] === 'up') return ([a]) => a;
    return ([a]) => (single ? Math.fround(Math.abs(a as number)) : Math.abs(a as number));
  }
  return undefined;
}

const f = (v: unknown): number => v as number;

function checkResult(value: number, input: number, allowInfinity = false): number {
  if (!Number.isFinite(value) && !Number.isNaN(value) && Number.isFinite(input) && !allowInfinity) {
    throw new PgError('22003', 'value out of range: overflow');
  }
  return value;
}

const degreesPerRadian = 180 / Math.PI;
const RADIANS_PER_DEGREE = Math.PI / 180;

/** sind and friends are exact at multiples of 30 and 45 degrees, as PostgreSQL makes them. */
function sind(x: number): number {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x)) return NaN;
    throw new PgError('22003', 'input is out of range');
  }
  let angle = x % 360;
  if (angle < 0) angle += 360;
  const exact: Record<number, number> = { 0: 0, 30: 0.5, 90: 1, 150: 0.5, 180: 0, 210: -0.5, 270: -1, 330: -0.5 };
  const hit = exact[angle];
  if (hit !== undefined) return x < 0 && hit === 0 ? -0 : hit;
  return Math.sin(angle * RADIANS_PER_DEGREE);
}

function cosd(x: number): number {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x)) return NaN;
    throw new PgError('22003', 'input is out of range');
  }
  let angle = x % 360;
  if (angle < 0) angle += 360;
  const exact: Record<number, number> = { 0: 1, 60: 0.5, 90: 0, 120: -0.5, 180: -1, 240: -0.5, 270: 0, 300: 0.5 };
  const hit = exact[angle];
  if (hit !== undefined) return hit;
  return Math.cos(angle * RADIANS_PER_DEGREE);
}

/** tand is exact at multiples of 45 degrees (tand(45) is 1), as PostgreSQL makes it. */
function tand(x: number): number {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x)) return NaN;
    throw new PgError('22003', 'input is out of range');
  }
  let angle = x % 360;
  if (angle < 0) angle += 360;
  const exact: Record<number, number> = { 0: 0, 45: 1, 90: Infinity, 135: -1, 180: -0, 225: 1, 270: -Infinity, 315: -1 };
  const hit = exact[angle];
  if (hit !== undefined) return x < 0 && hit === 0 ? -0 : hit;
  return sind(x) / cosd(x);
}

function domain(ok: boolean): void {
  if (!ok) throw new PgError('22003', 'input is out of range');
}

/** The double precision math functions and operators, by C symbol. */
export const floatImpls: Record<string, ScalarImpl> = {
  float4abs: ([a]) => Math.abs(f(a)),
  float8abs: ([a]) => Math.abs(f(a)),
  dceil: ([a]) => Math.ceil(f(a)),
  dfloor: ([a]) => Math.floor(f(a)),
  dround: ([a]) => rint(f(a)),
  dtrunc: ([a]) => Math.trunc(f(a)),
  dsign: ([a]) => (f(a) > 0 ? 1 : f(a) < 0 ? -1 : 0),
  dsqrt: ([a]) => {
    if (f(a) < 0) throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'cannot take square root of a negative number');
    return Math.sqrt(f(a));
  },
  dcbrt: ([a]) => Math.cbrt(f(a)),
  dexp: ([a]) => {
    const x = f(a);
    const value = Math.exp(x);
    if (!Number.isFinite(value) && Number.isFinite(x)) throw new PgError('22003', 'value out of range: overflow');
    if (value === 0 && Number.isFinite(x)) throw new PgError('22003', 'value out of range: underflow');
    return value;
  },
  dlog1: ([a]) => {
    if (f(a) === 0) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of zero');
    if (f(a) < 0) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
    return Math.log(f(a));
  },
  dlog10: ([a]) => {
    if (f(a) === 0) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of zero');
    if (f(a) < 0) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
    return Math.log10(f(a));
  },
  dpow: ([a, b]) => dpow(f(a), f(b)),
  dpi: () => Math.PI,
  degrees: ([a]) => checkResult(f(a) * degreesPerRadian, f(a)),
  radians: ([a]) => checkResult(f(a) * RADIANS_PER_DEGREE, f(a)),
  dsin: ([a]) => {
    domain(!Number.isFinite(f(a)) ? Number.isNaN(f(a)) : true);
    return Math.sin(f(a));
  },
  dcos: ([a]) => {
    domain(!Number.isFinite(f(a)) ? Number.isNaN(f(a)) : true);
    return Math.cos(f(a));
  },
  dtan: ([a]) => {
    domain(!Number.isFinite(f(a)) ? Number.isNaN(f(a)) : true);
    return Math.tan(f(a));
  },
  dcot: ([a]) => {
    domain(!Number.isFinite(f(a)) ? Number.isNaN(f(a)) : true);
    return 1 / Math.tan(f(a));
  },
  dasin: ([a]) => {
    domain(Number.isNaN(f(a)) || (f(a) >= -1 && f(a) <= 1));
    return Math.asin(f(a));
  },
  dacos: ([a]) => {
    domain(Number.isNaN(f(a)) || (f(a) >= -1 && f(a) <= 1));
    return Math.acos(f(a));
  },
  datan: ([a]) => Math.atan(f(a)),
  datan2: ([a, b]) => Math.atan2(f(a), f(b)),
  dsind: ([a]) => sind(f(a)),
  dcosd: ([a]) => cosd(f(a)),
  dtand: ([a]) => tand(f(a)),
  dcotd: ([a]) => {
    const t = tand(f(a));
    return t === 0 ? (Object.is(t, -0) ? -Infinity : Infinity) : 1 / t;
  },
  dasind: ([a]) => {
    domain(Number.isNaN(f(a)) || (f(a) >= -1 && f(a) <= 1));
    const exact: Record<number, number> = { [-1]: -90, [-0.5]: -30, 0: 0, 0.5: 30, 1: 90 };
    return exact[f(a)] ?? Math.asin(f(a)) * degreesPerRadian;
  },
  dacosd: ([a]) => {
    domain(Number.isNaN(f(a)) || (f(a) >= -1 && f(a) <= 1));
    const exact: Record<number, number> = { [-1]: 180, [-0.5]: 120, 0: 90, 0.5: 60, 1: 0 };
    return exact[f(a)] ?? Math.acos(f(a)) * degreesPerRadian;
  },
  datand: ([a]) => {
    const exact: Record<number, number> = { [-1]: -45, 0: 0, 1: 45 };
    if (f(a) === Infinity) return 90;
    if (f(a) === -Infinity) return -90;
    return exact[f(a)] ?? Math.atan(f(a)) * degreesPerRadian;
  },
  datan2d: ([a, b]) => Math.atan2(f(a), f(b)) * degreesPerRadian,
  dsinh: ([a]) => Math.sinh(f(a)),
  dcosh: ([a]) => Math.cosh(f(a)),
  dtanh: ([a]) => Math.tanh(f(a)),
  dasinh: ([a]) => Math.asinh(f(a)),
  dacosh: ([a]) => {
    domain(Number.isNaN(f(a)) || f(a) >= 1);
    return Math.acosh(f(a));
  },
  datanh: ([a]) => {
    domain(Number.isNaN(f(a)) || (f(a) >= -1 && f(a) <= 1));
    return Math.atanh(f(a));
  },
  width_bucket_float8: ([op, low, high, count]) => widthBucketFloat(f(op), f(low), f(high), count as number),
  int4gcd: ([a, b]) => checkInt4(Number(gcdBig(big(a), big(b), 4))),
  int8gcd: ([a, b]) => checkInt8(gcdBig(big(a), big(b), 8)),
  int4lcm: ([a, b]) => checkInt4(Number(lcmBig(big(a), big(b)))),
  int8lcm: ([a, b]) => checkInt8(lcmBig(big(a), big(b))),
  dtof: ([a]) => float8ToFloat4(f(a)),
};

/** pow() with PostgreSQL's errors for the undefined cases. */
function dpow(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0 && y < 0) throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  if (x < 0 && Number.isFinite(y) && !Number.isInteger(y)) {
    throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'a negative number raised to a non-integer power yields a complex result');
  }
  // C's pow(-1, ±inf) is 1, unlike JavaScript's NaN.
  if (x === -1 && !Number.isFinite(y)) return 1;
  const value = Math.pow(x, y);
  if (!Number.isFinite(value) && Number.isFinite(x) && Number.isFinite(y)) throw new PgError('22003', 'value out of range: overflow');
  if (value === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) throw new PgError('22003', 'value out of range: underflow');
  return value;
}

function widthBucketFloat(operand: number, low: number, high: number, count: number): number {
  if (count <= 0) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'count must be greater than zero');
  if (Number.isNaN(operand) || Number.isNaN(low) || Number.isNaN(high)) {
    throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'operand, lower bound, and upper bound cannot be NaN');
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'lower and upper bounds must be finite');
  if (low === high) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'lower bound cannot equal upper bound');
  if (low < high) {
    if (operand < low) return 0;
    if (operand >= high) return count + 1;
    return Math.floor(((operand - low) * count) / (high - low)) + 1;
  }
  if (operand > low) return 0;
  if (operand <= high) return count + 1;
  return Math.floor(((low - operand) * count) / (low - high)) + 1;
}

function gcdBig(a: bigint, b: bigint, width: 4 | 8): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  const limit = width === 4 ? 2147483647n : 9223372036854775807n;
  if (x > limit) throw outOfRange(width);
  return x;
}

function lcmBig(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  const product = x * y;
  while (y !== 0n) [x, y] = [y, x % y];
  return product / x;
}

