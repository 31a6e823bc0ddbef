/**
 * Exact decimal/binary comparisons for float input and output, where plain JavaScript number
 * handling is off by one unit in the last place:
 *
 * - real input must round the decimal text straight to single precision (strtof), while
 *   `Math.fround(Number(text))` rounds twice and can land on the wrong side of a midpoint;
 * - PostgreSQL's shortest output (its Ryu copy, built without STRICTLY_SHORTEST) only accepts
 *   decimals strictly inside the rounding interval, whereas JavaScript's shortest `toString`
 *   also accepts one lying exactly on the interval's boundary: PostgreSQL prints
 *   `9.999999999999999e+22` for the double nearest 1e23, JavaScript `1e+23`.
 */

const buffer = new ArrayBuffer(8);
const float64 = new Float64Array(buffer);
const float32 = new Float32Array(buffer);
const uint32 = new Uint32Array(buffer);

/** A positive finite value as m × 2^k, m an integer of at most 53 (24) bits. */
interface Binary {
  m: bigint;
  k: number;
  /** True when m is the smallest mantissa of a normal binade: the gap below is half the one above. */
  binadeStart: boolean;
  /** A single-precision value, whose rounding boundaries are themselves doubles. */
  single: boolean;
}

function binary64(value: number): Binary {
  float64[0] = value;
  const low = uint32[0] as number;
  const high = uint32[1] as number;
  const exponent = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (exponent === 0) return { m: fraction, k: -1074, binadeStart: false, single: false };
  return { m: fraction | (1n << 52n), k: exponent - 1075, binadeStart: fraction === 0n && exponent > 1, single: false };
}

function binary32(value: number): Binary {
  float32[0] = value;
  const bits = uint32[0] as number;
  const exponent = (bits >>> 23) & 0xff;
  const fraction = BigInt(bits & 0x7fffff);
  if (exponent === 0) return { m: fraction, k: -149, binadeStart: false, single: true };
  return { m: fraction | (1n << 23n), k: exponent - 150, binadeStart: fraction === 0n && exponent > 1, single: true };
}

const pow5Cache: bigint[] = [1n];
function pow5(n: number): bigint {
  for (let i = pow5Cache.length; i <= n; i++) pow5Cache[i] = (pow5Cache[i - 1] as bigint) * 5n;
  return pow5Cache[n] as bigint;
}

/** The sign of c × 10^e − n × 2^j, all exact. */
function compareDecimalToDyadic(c: bigint, e: number, n: bigint, j: number): number {
  let a = c;
  let b = n;
  if (e >= 0) a *= pow5(e);
  else b *= pow5(-e);
  const t = Math.min(e, j);
  a <<= BigInt(e - t);
  b <<= BigInt(j - t);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The rounding interval's ends of a positive value, as n × 2^j: exactly halfway to each neighbour. */
function boundaries(b: Binary): { lower: [bigint, number]; upper: [bigint, number] } {
  return {
    lower: b.binadeStart ? [4n * b.m - 1n, b.k - 2] : [2n * b.m - 1n, b.k - 1],
    upper: [2n * b.m + 1n, b.k - 1],
  };
}

/** Whether the decimal c × 10^e lies strictly inside the rounding interval of a positive value. */
function strictlyInside(c: bigint, e: number, b: Binary): boolean {
  const { lower, upper } = boundaries(b);
  if (b.single) {
    // A single's boundaries are doubles, and rounding to double is monotonic: only a decimal
    // that reads as a boundary itself needs the exact comparison.
    const d = Number(`${c}e${e}`);
    const low = Number(lower[0]) * 2 ** lower[1];
    const high = Number(upper[0]) * 2 ** upper[1];
    if (d > low && d < high) return true;
    if (d < low || d > high) return false;
  }
  return compareDecimalToDyadic(c, e, ...lower) > 0 && compareDecimalToDyadic(c, e, ...upper) < 0;
}

/** Digits (no trailing zeros) and the decimal exponent of the first digit. */
export interface ShortestDigits {
  digits: string;
  exponent: number;
}

function parseExponential(text: string): { c: bigint; e: number; digitCount: number } {
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text) as RegExpExecArray;
  const digits = (match[1] as string) + (match[2] ?? '');
  return { c: BigInt(digits), e: Number(match[3]) - (digits.length - 1), digitCount: digits.length };
}

function toShortest(c: bigint, e: number): ShortestDigits {
  let digits = c.toString();
  let exponent = e + digits.length - 1;
  const stripped = digits.replace(/0+$/, '');
  digits = stripped === '' ? '0' : stripped;
  if (digits === '0') exponent = 0;
  return { digits, exponent };
}

/**
 * The shortest decimal strictly inside the rounding interval, closest to the value among those
 * of that length, trying lengths from `fromLength` on.
 */
function searchShortest(value: number, b: Binary, fromLength: number, maxLength: number): ShortestDigits {
  for (let n = fromLength; n <= maxLength; n++) {
    const rounded = parseExponential(value.toExponential(n - 1));
    const e = rounded.e;
    let c = rounded.c;
    // toExponential breaks a tie upwards; Ryu takes the even one.
    if (c % 2n === 1n && compareDecimalToDyadic(2n * c - 1n, e, b.m, b.k + 1) === 0) c -= 1n;
    if (strictlyInside(c, e, b)) return toShortest(c, e);
    // The nearest n-digit decimal sits on or beyond a boundary; its neighbour towards the value
    // may still be inside.
    const side = compareDecimalToDyadic(c, e, b.m, b.k);
    const other = side > 0 ? c - 1n : c + 1n;
    if (other > 0n && strictlyInside(other, e, b)) return toShortest(other, e);
  }
  const { c, e } = parseExponential(value.toExponential(maxLength - 1));
  return toShortest(c, e);
}

/** PostgreSQL's shortest digits for a positive finite double. */
export function shortestDigits64(value: number): ShortestDigits {
  const { c, e, digitCount } = parseExponential(value.toExponential());
  // JavaScript's choice is shortest and nearest; it differs from PostgreSQL's only when it lies
  // exactly on a boundary, which needs a decimal with few significant bits.
  const b = binary64(value);
  const { lower, upper } = boundaries(b);
  if (compareDecimalToDyadic(c, e, ...lower) !== 0 && compareDecimalToDyadic(c, e, ...upper) !== 0) return toShortest(c, e);
  return searchShortest(value, b, digitCount, 17);
}

/** PostgreSQL's shortest digits for a positive finite real (held as a number). */
export function shortestDigits32(value: number): ShortestDigits {
  return searchShortest(value, binary32(value), 1, 9);
}

function nextFloat32(value: number, up: boolean): number {
  float32[0] = value;
  uint32[0] = (uint32[0] as number) + (up ? 1 : -1);
  return float32[0];
}

/**
 * A decimal literal (digits, optional point and exponent, no sign) correctly rounded to single
 * precision, given its correctly rounded double.
 */
export function decimalToFloat32(text: string, double: number): number {
  const single = Math.fround(double);
  if (single === double || !Number.isFinite(single) || double === 0) return single;
  const neighbour = nextFloat32(single, double > single);
  if (!Number.isFinite(neighbour) || (single + neighbour) / 2 !== double) return single;
  // The double is exactly halfway between two singles: decide on the exact decimal.
  const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return single;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  const c = BigInt(`${whole}${fraction}` || '0');
  const e = Number(match[3] ?? 0) - fraction.length;
  const d = binary64(double);
  const side = compareDecimalToDyadic(c, e, d.m, d.k);
  if (side === 0) return single;
  return side > 0 ? Math.max(single, neighbour) : Math.min(single, neighbour);
}

/** The exact value of |x| (finite) as c × 10^e. */
function exactDecimal(x: number): { c: bigint; e: number } {
  const b = binary64(Math.abs(x));
  if (b.k >= 0) return { c: b.m << BigInt(b.k), e: 0 };
  return { c: b.m * pow5(-b.k), e: b.k };
}

/** c × 10^e rounded to a multiple of 10^target, ties to even, as the multiple's count. */
function roundHalfEven(c: bigint, e: number, target: number): bigint {
  if (target <= e) return c * 10n ** BigInt(e - target);
  const divisor = 10n ** BigInt(target - e);
  const quotient = c / divisor;
  const twice = 2n * (c % divisor);
  return twice > divisor || (twice === divisor && quotient % 2n === 1n) ? quotient + 1n : quotient;
}

/**
 * C's printf("%.{precision}f") of a finite double: the exact binary value rounded half to even
 * (JavaScript's toFixed rounds ties up). A negative zero, or a negative value rounding to zero,
 * keeps its minus sign.
 */
export function printfFixed(x: number, precision: number): string {
  const { c, e } = exactDecimal(x);
  let digits = roundHalfEven(c, e, -precision).toString();
  if (precision > 0) {
    digits = digits.padStart(precision + 1, '0');
    digits = `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
  }
  return x < 0 || Object.is(x, -0) ? `-${digits}` : digits;
}

/**
 * C's printf("%.{precision}e") digits of a finite nonzero double, as toExponential(precision)
 * would lay them out (`d.ddde+N`), but rounding ties to even.
 */
export function printfExponential(x: number, precision: number): string {
  const negative = x < 0 || Object.is(x, -0);
  if (x === 0) return `${negative ? '-' : ''}0${precision > 0 ? `.${'0'.repeat(precision)}` : ''}e+0`;
  const { c, e } = exactDecimal(x);
  let exponent = c.toString().length - 1 + e;
  let q = roundHalfEven(c, e, exponent - precision);
  if (q.toString().length > precision + 1) {
    q /= 10n;
    exponent++;
  }
  const digits = q.toString();
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}
