/**
 * real and double precision text input and output. Output with extra_float_digits >= 1 (the
 * default) is the shortest decimal that reads back to the same value, in PostgreSQL's layout:
 * positional between 1e-4 and 1e15 (1e6 for real), scientific with a signed exponent of at least
 * two digits outside it (`1e+15`, `1.5e-05`), `NaN`, `Infinity`, `-Infinity`, `-0`
 * (manual 8.1.3: "the shortest-precise format... the output is the shortest decimal that
 * reproduces the value").
 */
import { PgError } from '../../errors/pg-error.js';
import { decimalToFloat32, printfExponential, shortestDigits32, shortestDigits64, type ShortestDigits } from './float-exact.js';

const FLT_DIG = 6;
const DBL_DIG = 15;

const specials = new Map<string, number>([
  ['nan', NaN], ['+nan', NaN], ['-nan', NaN],
  ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity],
  ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity],
]);

/** strtod's syntax: decimal with optional exponent, or C99 hexadecimal. */
function strtod(text: string): number | undefined {
  const special = specials.get(text.toLowerCase());
  if (special !== undefined) return special;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text);
  if (hex !== null && ((hex[2] ?? '') + (hex[3] ?? '')).length > 0) {
    const [, sign, whole, fraction, exponent] = hex;
    let value = 0;
    for (const c of (whole ?? '') + (fraction ?? '')) value = value * 16 + parseInt(c, 16);
    value *= 2 ** (Number(exponent ?? 0) - 4 * (fraction ?? '').length);
    return sign === '-' ? -value : value;
  }
  return undefined;
}

/** True when the decimal text has a nonzero digit in its mantissa. */
function hasNonzeroDigit(text: string): boolean {
  const mantissa = text.replace(/[eEpP].*$/, '').replace(/^[+-]?0[xX]/, '');
  return /[1-9a-fA-F]/.test(mantissa);
}

export function parseFloat8(input: string): number {
  const text = input.trim();
  const value = strtod(text);
  if (value === undefined || text === '') {
    throw new PgError('22P02', `invalid input syntax for type double precision: "${input}"`);
  }
  if ((!Number.isFinite(value) && !specials.has(text.toLowerCase())) || (value === 0 && hasNonzeroDigit(text))) {
    throw new PgError('22003', `"${input}" is out of range for type double precision`);
  }
  return value;
}

/** strtof: decimal text rounded once, straight to single precision. */
function float4FromDouble(text: string, double: number): number {
  const unsigned = text.replace(/^[+-]/, '');
  if (!/^[\d.]/.test(unsigned)) return Math.fround(double);
  const single = decimalToFloat32(unsigned, Math.abs(double));
  return double < 0 || (double === 0 && text.startsWith('-')) ? -single : single;
}

/** A decimal text (as numeric and int8 produce) to real, rounded once. */
export function decimalTextToFloat4(text: string): number {
  return float4FromDouble(text, Number(text));
}

export function parseFloat4(input: string): number {
  const text = input.trim();
  const value = strtod(text);
  if (value === undefined || text === '') {
    throw new PgError('22P02', `invalid input syntax for type real: "${input}"`);
  }
  const rounded = float4FromDouble(text, value);
  const special = specials.has(text.toLowerCase());
  if ((!Number.isFinite(rounded) && !special) || (rounded === 0 && hasNonzeroDigit(text))) {
    throw new PgError('22003', `"${input}" is out of range for type real`);
  }
  return rounded;
}

/** The shortest digits and decimal exponent of a finite nonzero float8 or float4. */
function shortestDigits(value: number, single: boolean): ShortestDigits {
  const magnitude = Math.abs(value);
  return single ? shortestDigits32(magnitude) : shortestDigits64(magnitude);
}

function layout(negative: boolean, digits: string, exponent: number, fixedExponentMax: number): string {
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= fixedExponentMax) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** printf's %.{precision}g, which PostgreSQL uses when extra_float_digits <= 0. */
export function printfG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return formatG(value, precision);
}

function formatG(value: number, precision: number): string {
  const p = Math.max(1, precision);
  const exponential = printfExponential(value, p - 1);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential) as RegExpExecArray;
  const exponent = Number(match[4]);
  const digits = ((match[2] as string) + (match[3] ?? '')).replace(/0+$/, '') || '0';
  return layout(match[1] === '-', digits, exponent, p);
}

function formatFloat(value: number, extraFloatDigits: number, single: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  if (extraFloatDigits > 0) {
    const { digits, exponent } = shortestDigits(value, single);
    return layout(value < 0, digits, exponent, single ? FLT_DIG : DBL_DIG);
  }
  return formatG(value, (single ? FLT_DIG : DBL_DIG) + extraFloatDigits);
}

export function formatFloat8(value: number, extraFloatDigits = 1): string {
  return formatFloat(value, extraFloatDigits, false);
}

export function formatFloat4(value: number, extraFloatDigits = 1): string {
  return formatFloat(value, extraFloatDigits, true);
}

/** printf("%.15g"), which float8-to-numeric conversion starts from (DBL_DIG digits). */
export function float8ToDecimalText(value: number): string {
  return formatG(value, DBL_DIG);
}

/** printf("%.6g") for float4-to-numeric conversion (FLT_DIG digits). */
export function float4ToDecimalText(value: number): string {
  return formatG(value, FLT_DIG);
}
