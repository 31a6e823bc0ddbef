/**
 * numeric values: decimal.js Decimals (storage/key-codec/datum.ts) that also carry PostgreSQL's
 * display scale.
 *
 * PostgreSQL keeps a numeric's display scale apart from its value: 1.50 and 1.5 are equal but
 * print differently ("Numeric values are physically stored without any extra leading or trailing
 * zeroes. Thus, the declared precision and scale of a column are maximums" and the scale of a
 * value is that of its input or of the operation that produced it, manual 8.1.2). decimal.js
 * forgets trailing zeros, so a numeric datum is a Decimal with an own `dscale` property; a Decimal
 * without one (from the key codec, which holds values only) shows its natural scale, the number
 * of digits after the point of its exact value.
 *
 * Arithmetic must not use a Decimal's own methods: they round to the precision of the Decimal's
 * constructor (20 digits for the default one). `Exact` holds every numeric PostgreSQL can hold
 * without rounding; operations that must round (division, square roots, logarithms) use a
 * constructor of the precision they need from `decimalOfPrecision`.
 */
import { Decimal } from 'decimal.js';

/** Digits enough that no sum, difference or product of numerics PostgreSQL can hold is rounded. */
const exactPrecision = 1_000_000_000;

export const Exact = Decimal.clone({
  precision: exactPrecision,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  minE: -9e15,
  maxE: 9e15,
});

const byPrecision = new Map<number, typeof Decimal>();

/** A Decimal constructor that rounds to `precision` significant digits with `rounding`. */
export function decimalOfPrecision(precision: number, rounding: Decimal.Rounding = Decimal.ROUND_DOWN): typeof Decimal {
  const key = precision * 16 + rounding;
  let ctor = byPrecision.get(key);
  if (ctor === undefined) {
    ctor = Exact.clone({ precision, rounding });
    byPrecision.set(key, ctor);
  }
  return ctor;
}

interface Scaled {
  dscale?: number;
}

/** PostgreSQL's largest display scale (NUMERIC_MAX_DISPLAY_SCALE). */
export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
/** PostgreSQL's smallest display scale (NUMERIC_MIN_DISPLAY_SCALE). */
export const NUMERIC_MIN_DISPLAY_SCALE = 0;
/** Significant digits PostgreSQL aims for in inexact results (NUMERIC_MIN_SIG_DIGITS). */
export const NUMERIC_MIN_SIG_DIGITS = 16;
/** NUMERIC_MAX_RESULT_SCALE. */
export const NUMERIC_MAX_RESULT_SCALE = NUMERIC_MAX_DISPLAY_SCALE * 2;

/** The digits after the point of a value's exact decimal expansion. */
export function naturalScale(value: Decimal): number {
  if (!value.isFinite() || value.isZero()) return 0;
  return Math.max(0, value.decimalPlaces());
}

/** The display scale of a numeric datum. */
export function displayScale(value: Decimal): number {
  const scale = (value as Scaled).dscale;
  return scale ?? naturalScale(value);
}

/**
 * A numeric datum of `value` shown with `dscale` digits after the point. The value must already
 * have no more digits than that: callers round first (roundToScale).
 */
export function numeric(value: Decimal.Value, dscale?: number): Decimal {
  const result = new Exact(value);
  if (dscale !== undefined && result.isFinite()) (result as Scaled).dscale = dscale;
  return result;
}

/** Rounds half away from zero to `scale` digits after the point, as PostgreSQL's round_var does. */
export function roundToScale(value: Decimal, scale: number): Decimal {
  if (!value.isFinite()) return numeric(value);
  const rounded = new Exact(value).toDecimalPlaces(Math.max(scale, 0), Decimal.ROUND_HALF_UP);
  if (scale >= 0) return numeric(rounded, scale);
  // A negative scale rounds to tens, hundreds, ...: 1234.5 at -2 is 1200.
  const shifted = Exact.mul(value, new Exact(`1e${scale}`));
  return numeric(Exact.mul(shifted.toDecimalPlaces(0, Decimal.ROUND_HALF_UP), new Exact(`1e${-scale}`)), 0);
}

/** Truncates toward zero to `scale` digits after the point (trunc_var). */
export function truncateToScale(value: Decimal, scale: number): Decimal {
  if (!value.isFinite()) return numeric(value);
  if (scale >= 0) return numeric(new Exact(value).toDecimalPlaces(scale, Decimal.ROUND_DOWN), scale);
  const shifted = Exact.mul(value, new Exact(`1e${scale}`));
  return numeric(Exact.mul(shifted.toDecimalPlaces(0, Decimal.ROUND_DOWN), new Exact(`1e${-scale}`)), 0);
}

/**
 * PostgreSQL's numeric digits are base 10000 (NBASE): the weight is the position of the leading
 * base-10000 digit, and several scale rules are written in terms of it.
 */
export function nbaseWeight(value: Decimal): number {
  if (!value.isFinite() || value.isZero()) return 0;
  return Math.floor(value.e / 4);
}

/** The leading base-10000 digit of a nonzero value (1..9999). */
export function nbaseFirstDigit(value: Decimal): number {
  if (!value.isFinite() || value.isZero()) return 0;
  const weight = nbaseWeight(value);
  const scaled = Exact.mul(Exact.abs(value), new Exact(`1e${-4 * weight}`));
  return scaled.toDecimalPlaces(0, Decimal.ROUND_DOWN).toNumber();
}

/** The numeric text output: the value with its display scale, NaN, Infinity or -Infinity. */
export function formatNumeric(value: Decimal): string {
  if (value.isNaN()) return 'NaN';
  if (!value.isFinite()) return value.isNegative() ? '-Infinity' : 'Infinity';
  const text = value.toFixed(displayScale(value));
  // -0 prints as 0 in PostgreSQL (a numeric zero has no sign).
  return text.startsWith('-') && /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

export const NUMERIC_NAN = new Exact(NaN);
export const NUMERIC_INFINITY = new Exact(Infinity);
export const NUMERIC_MINUS_INFINITY = new Exact(-Infinity);
