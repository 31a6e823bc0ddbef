/**
 * numeric text input and the numeric(p,s) constraint (apply_typmod), with PostgreSQL's errors.
 */
import type { Decimal } from 'decimal.js';
import { PgError } from '../../errors/pg-error.js';
import {
  Exact, NUMERIC_INFINITY, NUMERIC_MINUS_INFINITY, NUMERIC_NAN, numeric, roundToScale,
} from '../numeric-value.js';
import { numericPrecisionScale } from '../typmod.js';

const specials = new Map<string, Decimal>([
  ['nan', NUMERIC_NAN],
  ['infinity', NUMERIC_INFINITY], ['+infinity', NUMERIC_INFINITY], ['-infinity', NUMERIC_MINUS_INFINITY],
  ['inf', NUMERIC_INFINITY], ['+inf', NUMERIC_INFINITY], ['-inf', NUMERIC_MINUS_INFINITY],
]);

/** numeric's limits: 131072 digits before the point and 16383 after (NUMERIC_WEIGHT_MAX, NUMERIC_DSCALE_MAX). */
const NUMERIC_DIGITS_BEFORE_POINT_MAX = 131_072;
const NUMERIC_DSCALE_MAX = 16_383;

export function parseNumeric(input: string, typmod = -1): Decimal {
  const text = input.trim();
  const special = specials.get(text.toLowerCase());
  if (special !== undefined) return applyNumericTypmod(special, typmod);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null || ((match[2] ?? '') === '' && (match[3] ?? '') === '')) {
    throw new PgError('22P02', `invalid input syntax for type numeric: "${input}"`);
  }
  const exponentText = match[4];
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) >= 1_073_741_823) throw new PgError('22003', 'value overflows numeric format');
  const fraction = match[3] ?? '';
  const dscale = Math.max(0, fraction.length - exponent);
  const value = new Exact(text);
  return applyNumericTypmod(checkNumericRange(numeric(value, dscale)), typmod);
}

/** make_result's check: the value must fit numeric's storage format. */
export function checkNumericRange(value: Decimal): Decimal {
  if (!value.isFinite() || value.isZero()) return value;
  if (value.e + 1 > NUMERIC_DIGITS_BEFORE_POINT_MAX) throw new PgError('22003', 'value overflows numeric format');
  const scale = (value as { dscale?: number }).dscale ?? Math.max(0, value.decimalPlaces());
  if (scale > NUMERIC_DSCALE_MAX) throw new PgError('22003', 'value overflows numeric format');
  return value;
}

/**
 * Rounds to numeric(p,s)'s scale (half away from zero) and checks the precision: "A field with
 * precision 5, scale 2 must round to an absolute value less than 10^3."
 */
export function applyNumericTypmod(value: Decimal, typmod: number): Decimal {
  const ps = numericPrecisionScale(typmod);
  if (ps === undefined || value.isNaN()) return value;
  const { precision, scale } = ps;
  if (!value.isFinite()) {
    throw new PgError('22003', 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const rounded = roundToScale(value, scale);
  const maxDigits = precision - scale;
  if (!rounded.isZero() && rounded.e + 1 > maxDigits) {
    throw new PgError('22003', 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits !== 0 ? '10^' : ''}${maxDigits !== 0 ? maxDigits : 1}.`,
    });
  }
  return rounded;
}
