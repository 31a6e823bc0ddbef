/**
 * numeric arithmetic and math with PostgreSQL's exactness and result scales (numeric.c): sums,
 * differences and products are exact (scale max(s1, s2) and s1 + s2); quotients, roots,
 * logarithms and powers are rounded half away from zero to a scale chosen to give at least 16
 * significant digits and no less than the inputs' scales (select_div_scale and friends).
 * Infinity and NaN follow PostgreSQL 14+.
 */
import { Decimal } from 'decimal.js';
import { PgError } from '../../errors/pg-error.js';
import { numericToInt4 } from '../../types/conversions.js';
import { checkNumericRange } from '../../types/io/numeric-io.js';
import {
  decimalOfPrecision, displayScale, Exact, nbaseFirstDigit, nbaseWeight, numeric, NUMERIC_MAX_DISPLAY_SCALE,
  NUMERIC_MAX_RESULT_SCALE, NUMERIC_MIN_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, NUMERIC_NAN, roundToScale, truncateToScale,
} from '../../types/numeric-value.js';
import type { ScalarImpl } from '../function-types.js';
import { MoreSqlState } from '../../types/sqlstates.js';

type N = Decimal;

const clampScale = (scale: number): number => Math.min(Math.max(scale, NUMERIC_MIN_DISPLAY_SCALE), NUMERIC_MAX_DISPLAY_SCALE);
const divisionByZero = (): PgError => new PgError('22012', 'division by zero');
const isInf = (x: N): boolean => !x.isFinite() && !x.isNaN();
const sign = (x: N): number => (x.isZero() ? 0 : x.isNegative() ? -1 : 1);
const result = (value: N, scale: number): N => checkNumericRange(numeric(value, scale));

export function numericAdd(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  return result(Exact.add(a, b), Math.max(displayScale(a), displayScale(b)));
}

export function numericSub(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  return result(Exact.sub(a, b), Math.max(displayScale(a), displayScale(b)));
}

export function numericMul(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  // numeric_mul keeps the exact product but rounds its display to NUMERIC_MAX_DISPLAY_SCALE.
  const scale = displayScale(a) + displayScale(b);
  const product = Exact.mul(a, b);
  if (!product.isFinite()) return numeric(product);
  return scale > NUMERIC_MAX_DISPLAY_SCALE ? result(roundToScale(product, NUMERIC_MAX_DISPLAY_SCALE), NUMERIC_MAX_DISPLAY_SCALE) : result(product, scale);
}

/** select_div_scale: at least 16 significant digits, and no less than either input's scale. */
export function divisionScale(a: N, b: N): number {
  let qweight = nbaseWeight(a) - nbaseWeight(b);
  if (nbaseFirstDigit(a) <= nbaseFirstDigit(b)) qweight--;
  return clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - qweight * 4, displayScale(a), displayScale(b)));
}

/** a / b rounded half away from zero to `scale` digits after the point. */
export function divideRounded(a: N, b: N, scale: number): N {
  // Enough significant digits to reach `scale` after the point, truncated, then rounded once:
  // truncation first cannot change which side of a half the value lies on.
  const integerDigits = Math.max(0, a.e - b.e + 2);
  const Ctor = decimalOfPrecision(integerDigits + scale + 3, Decimal.ROUND_DOWN);
  return roundToScale(Ctor.div(a, b), scale);
}

export function numericDiv(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  if (isInf(a)) {
    if (!b.isFinite()) return NUMERIC_NAN;
    if (b.isZero()) throw divisionByZero();
    return numeric(sign(b) * sign(a) > 0 ? Infinity : -Infinity);
  }
  if (isInf(b)) return numeric(0, 0);
  if (b.isZero()) throw divisionByZero();
  const scale = divisionScale(a, b);
  return checkNumericRange(divideRounded(a, b, scale));
}

export function numericDivTrunc(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  if (isInf(a)) {
    if (!b.isFinite()) return NUMERIC_NAN;
    if (b.isZero()) throw divisionByZero();
    return numeric(sign(b) * sign(a) > 0 ? Infinity : -Infinity);
  }
  if (isInf(b)) return numeric(0, 0);
  if (b.isZero()) throw divisionByZero();
  const Ctor = decimalOfPrecision(Math.max(1, a.e - b.e + 3), Decimal.ROUND_DOWN);
  return result(Ctor.div(a, b).toDecimalPlaces(0, Decimal.ROUND_DOWN), 0);
}

export function numericMod(a: N, b: N): N {
  if (a.isNaN() || b.isNaN()) return NUMERIC_NAN;
  if (isInf(a)) {
    if (b.isZero()) throw divisionByZero();
    return NUMERIC_NAN;
  }
  if (isInf(b)) return a;
  if (b.isZero()) throw divisionByZero();
  // The remainder of truncated division has the dividend's sign: -7.5 % 2 = -1.5.
  return result(Exact.mod(a, b), Math.max(displayScale(a), displayScale(b)));
}

/** sqrt: scale for 16 significant digits (from the input's weight), at least the input's. */
export function numericSqrt(x: N): N {
  if (x.isNaN()) return NUMERIC_NAN;
  if (x.isNegative() && !x.isZero()) throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'cannot take square root of a negative number');
  if (!x.isFinite()) return x;
  const sweight = Math.trunc(((nbaseWeight(x) + 1) * 4) / 2) - 1;
  const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - sweight, displayScale(x)));
  if (x.isZero()) return numeric(0, scale);
  const Ctor = decimalOfPrecision(Math.max(1, Math.ceil((x.e + 1) / 2) + scale + 3), Decimal.ROUND_DOWN);
  return roundToScale(Ctor.sqrt(x), scale);
}

export function numericExp(x: N): N {
  if (x.isNaN()) return NUMERIC_NAN;
  if (!x.isFinite()) return x.isNegative() ? numeric(0, 0) : x;
  let weight = x.toNumber() * 0.434294481903252;
  weight = Math.min(Math.max(weight, -NUMERIC_MAX_RESULT_SCALE), NUMERIC_MAX_RESULT_SCALE);
  const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(weight), displayScale(x)));
  if (weight > 131_072) throw new PgError('22003', 'value overflows numeric format');
  const Ctor = decimalOfPrecision(Math.max(1, Math.ceil(weight) + 1) + scale + 3, Decimal.ROUND_DOWN);
  return checkNumericRange(roundToScale(Ctor.exp(x), scale));
}

/** estimate_ln_dweight: the decimal weight of ln(x), roughly. */
function estimateLnWeight(x: N): number {
  if (x.isNegative() || x.isZero() || !x.isFinite()) return 0;
  if (x.gte('0.9') && x.lte('1.1')) {
    const d = Exact.sub(x, 1);
    return d.isZero() ? 0 : d.e;
  }
  const lnApprox = Math.log(x.toNumber());
  const value = Number.isFinite(lnApprox) ? lnApprox : (x.e + Math.log10(Number(x.toExponential(15).split('e')[0]))) * Math.LN10;
  return Math.trunc(Math.log10(Math.abs(value)));
}

function lnRounded(x: N, scale: number): N {
  const weight = Math.max(1, estimateLnWeight(x) + 2);
  const Ctor = decimalOfPrecision(weight + scale + 4, Decimal.ROUND_DOWN);
  return roundToScale(Ctor.ln(x), scale);
}

function checkLogArgument(x: N): void {
  if (x.isZero()) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of zero');
  if (x.isNegative()) throw new PgError(MoreSqlState.InvalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
}

export function numericLn(x: N): N {
  if (x.isNaN()) return NUMERIC_NAN;
  checkLogArgument(x);
  if (!x.isFinite()) return x;
  const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnWeight(x), displayScale(x)));
  return lnRounded(x, scale);
}

export function numericLog(base: N, x: N): N {
  if (base.isNaN() || x.isNaN()) return NUMERIC_NAN;
  checkLogArgument(base);
  checkLogArgument(x);
  if (!base.isFinite() || !x.isFinite()) {
    if (!base.isFinite() && !x.isFinite()) return NUMERIC_NAN;
    if (!x.isFinite()) return numeric(Infinity);
    return numeric(0, 0);
  }
  if (base.eq(1)) throw new PgError('22012', 'division by zero');
  const weight = estimateLnWeight(x) - estimateLnWeight(base);
  const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - weight, displayScale(base), displayScale(x)));
  const guard = scale + 10;
  const Ctor = decimalOfPrecision(guard + Math.max(2, Math.abs(weight) + 2), Decimal.ROUND_DOWN);
  return roundToScale(Ctor.div(Ctor.ln(x), Ctor.ln(base)), scale);
}

function isInteger(x: N): boolean {
  return x.isFinite() && x.isInteger();
}

export function numericPower(base: N, exp: N): N {
  if (base.isNaN() || exp.isNaN()) {
    // "1 ^ NaN = 1, NaN ^ 0 = 1", as C's pow() does.
    if ((!base.isNaN() && base.eq(1)) || (!exp.isNaN() && exp.isZero())) return numeric(1, 0);
    return NUMERIC_NAN;
  }
  if (base.isZero() && exp.isNegative()) throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  if (base.isNegative() && exp.isFinite() && !exp.isInteger()) {
    throw new PgError(MoreSqlState.InvalidArgumentForPowerFunction, 'a negative number raised to a non-integer power yields a complex result');
  }
  if (!base.isFinite() || !exp.isFinite()) return numeric(Math.pow(base.toNumber(), exp.toNumber()), 0);
  if (isInteger(exp) && exp.abs().lte(2147483647)) {
    const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, displayScale(base)));
    const n = exp.toNumber();
    if (base.isZero()) return numeric(n === 0 ? 1 : 0, scale);
    const magnitude = n * Math.log10(base.abs().toNumber() || 10 ** base.e);
    if (magnitude > 131_072 * 1.01) throw new PgError('22003', 'value overflows numeric format');
    if (magnitude + 1 < -NUMERIC_MAX_DISPLAY_SCALE) return numeric(0, NUMERIC_MAX_DISPLAY_SCALE);
    const Ctor = decimalOfPrecision(Math.max(1, Math.ceil(magnitude) + 2) + scale + 4, Decimal.ROUND_DOWN);
    return checkNumericRange(roundToScale(Ctor.pow(base, exp), scale));
  }
  if (base.isZero()) return numeric(0, clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, displayScale(base), displayScale(exp))));
  const lnBase = Math.log(base.toNumber()) || (base.e * Math.LN10);
  const value = lnBase * exp.toNumber();
  if (Math.abs(value) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
    if (value > 0) throw new PgError('22003', 'value overflows numeric format');
    return numeric(0, NUMERIC_MAX_DISPLAY_SCALE);
  }
  const weight = value * 0.434294481903252;
  const scale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(weight), displayScale(base), displayScale(exp)));
  const Ctor = decimalOfPrecision(Math.max(1, Math.ceil(weight) + 2) + scale + 4, Decimal.ROUND_DOWN);
  return checkNumericRange(roundToScale(Ctor.pow(base, exp), scale));
}

export function numericRound(x: N, scale: number): N {
  if (!x.isFinite()) return x;
  const s = Math.max(Math.min(scale, NUMERIC_MAX_DISPLAY_SCALE), -NUMERIC_MAX_DISPLAY_SCALE - 131_072);
  return checkNumericRange(roundToScale(x, s));
}

export function numericTrunc(x: N, scale: number): N {
  if (!x.isFinite()) return x;
  const s = Math.max(Math.min(scale, NUMERIC_MAX_DISPLAY_SCALE), -NUMERIC_MAX_DISPLAY_SCALE - 131_072);
  return truncateToScale(x, s);
}

function gcd(a: N, b: N): N {
  let x = Exact.abs(a);
  let y = Exact.abs(b);
  while (!y.isZero()) {
    const r = Exact.mod(x, y);
    x = y;
    y = r;
  }
  return x;
}

const num = (v: unknown): N => v as N;

/** The numeric functions and operators, by PostgreSQL's C symbol. */
export const numericImpls: Record<string, ScalarImpl> = {
  numeric_add: ([a, b]) => numericAdd(num(a), num(b)),
  numeric_sub: ([a, b]) => numericSub(num(a), num(b)),
  numeric_mul: ([a, b]) => numericMul(num(a), num(b)),
  numeric_div: ([a, b]) => numericDiv(num(a), num(b)),
  numeric_mod: ([a, b]) => numericMod(num(a), num(b)),
  numeric_div_trunc: ([a, b]) => numericDivTrunc(num(a), num(b)),
  numeric_uminus: ([a]) => {
    const x = num(a);
    return x.isNaN() || x.isZero() ? x : numeric(Exact.mul(x, -1), x.isFinite() ? displayScale(x) : undefined);
  },
  numeric_uplus: ([a]) => a,
  numeric_abs: ([a]) => {
    const x = num(a);
    return x.isNaN() ? x : numeric(Exact.abs(x), x.isFinite() ? displayScale(x) : undefined);
  },
  numeric_sign: ([a]) => {
    const x = num(a);
    if (x.isNaN()) return x;
    return numeric(sign(x), 0);
  },
  numeric_ceil: ([a]) => {
    const x = num(a);
    return x.isFinite() ? numeric(Exact.ceil(x), 0) : x;
  },
  numeric_floor: ([a]) => {
    const x = num(a);
    return x.isFinite() ? numeric(Exact.floor(x), 0) : x;
  },
  numeric_round: ([a, s]) => numericRound(num(a), s as number),
  'round(numeric)': ([a]) => numericRound(num(a), 0),
  numeric_trunc: ([a, s]) => numericTrunc(num(a), s as number),
  'trunc(numeric)': ([a]) => numericTrunc(num(a), 0),
  numeric_sqrt: ([a]) => numericSqrt(num(a)),
  numeric_exp: ([a]) => numericExp(num(a)),
  numeric_ln: ([a]) => numericLn(num(a)),
  numeric_log: ([b, x]) => numericLog(num(b), num(x)),
  'log(numeric)': ([x]) => numericLog(numeric(10, 0), num(x)),
  'log10(numeric)': ([x]) => numericLog(numeric(10, 0), num(x)),
  numeric_power: ([b, e]) => numericPower(num(b), num(e)),
  numeric_scale: ([a]) => (num(a).isFinite() ? displayScale(num(a)) : null),
  numeric_min_scale: ([a]) => (num(a).isFinite() ? (num(a).isZero() ? 0 : Math.max(0, num(a).decimalPlaces())) : null),
  numeric_trim_scale: ([a]) => {
    const x = num(a);
    return x.isFinite() ? numeric(x, x.isZero() ? 0 : Math.max(0, x.decimalPlaces())) : x;
  },
  numeric_fac: ([a]) => {
    const n = a as bigint;
    if (n < 0n) throw new PgError('22003', 'factorial of a negative number is undefined');
    if (n > 32177n) throw new PgError('22003', 'value overflows numeric format');
    let product = 1n;
    for (let i = 2n; i <= n; i++) product *= i;
    return numeric(product.toString(), 0);
  },
  numeric_gcd: ([a, b]) => {
    const x = num(a);
    const y = num(b);
    if (x.isNaN() || y.isNaN() || !x.isFinite() || !y.isFinite()) return NUMERIC_NAN;
    return numeric(gcd(x, y), Math.max(displayScale(x), displayScale(y)));
  },
  numeric_lcm: ([a, b]) => {
    const x = num(a);
    const y = num(b);
    if (x.isNaN() || y.isNaN() || !x.isFinite() || !y.isFinite()) return NUMERIC_NAN;
    const scale = Math.max(displayScale(x), displayScale(y));
    if (x.isZero() || y.isZero()) return numeric(0, scale);
    const divisor = gcd(x, y);
    const quotient = decimalOfPrecision(Math.max(1, x.e - divisor.e + 2) + scale + 2, Decimal.ROUND_DOWN).div(x, divisor);
    return result(Exact.abs(Exact.mul(quotient, y)), scale);
  },
  width_bucket_numeric: ([op, low, high, count]) => widthBucketNumeric(num(op), num(low), num(high), count as number),
};

function widthBucketNumeric(operand: N, low: N, high: N, count: number): number {
  if (count <= 0) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'count must be greater than zero');
  if (operand.isNaN() || low.isNaN() || high.isNaN()) {
    throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'operand, lower bound, and upper bound cannot be NaN');
  }
  if (!low.isFinite() || !high.isFinite()) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'lower and upper bounds must be finite');
  if (low.eq(high)) throw new PgError(MoreSqlState.InvalidArgumentForWidthBucketFunction, 'lower bound cannot equal upper bound');
  const ascending = low.lt(high);
  if (ascending ? operand.lt(low) : operand.gt(low)) return 0;
  if (ascending ? operand.gte(high) : operand.lte(high)) {
    if (count === 2147483647) throw new PgError('22003', 'integer out of range');
    return count + 1;
  }
  const numerator = Exact.mul(Exact.sub(operand, low), count);
  const denominator = Exact.sub(high, low);
  const fraction = decimalOfPrecision(Math.max(1, numerator.e - denominator.e + 2) + 20, Decimal.ROUND_DOWN).div(numerator, denominator);
  return numericToInt4(Exact.floor(fraction)) + 1;
}
