/**
 * smallint, integer, bigint and oid text input, as pg_strtoint16/32/64 and oidin read it:
 * optional whitespace, an optional sign, decimal digits, optional whitespace; nothing else
 * ('1e3' and '1.5' are not integers).
 */
import { PgError } from '../../errors/pg-error.js';

const bounds = {
  smallint: { min: -32768n, max: 32767n },
  integer: { min: -2147483648n, max: 2147483647n },
  bigint: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
} as const;

export type IntTypeName = keyof typeof bounds;

const intPattern = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/;
const leadingDigits = /^[ \t\n\v\f\r]*([+-]?)(\d+)/;

/**
 * pg_strtoint16/32/64: digits accumulate as a negative number, so a digit run past the type's
 * range is "out of range" even with junk after it ('32769x'), while the one positive value
 * that only the sign flip overflows ('32768x') is first rejected as invalid syntax.
 */
function parseBig(input: string, type: IntTypeName): bigint {
  const { min, max } = bounds[type];
  const invalid = (): PgError => new PgError('22P02', `invalid input syntax for type ${type}: "${input}"`);
  const outOfRange = (): PgError => new PgError('22003', `value "${input}" is out of range for type ${type}`);
  const lead = leadingDigits.exec(input);
  if (lead === null) throw invalid();
  const magnitude = BigInt(lead[2] as string);
  if (magnitude > -min) throw outOfRange();
  if (!intPattern.test(input)) throw invalid();
  const value = lead[1] === '-' ? -magnitude : magnitude;
  if (value > max) throw outOfRange();
  return value;
}

export function parseInt2(input: string): number {
  return Number(parseBig(input, 'smallint'));
}

export function parseInt4(input: string): number {
  return Number(parseBig(input, 'integer'));
}

export function parseInt8(input: string): bigint {
  return parseBig(input, 'bigint');
}

/**
 * oid input accepts an unsigned 32-bit number, and also a negative one down to -2^31, which
 * wraps ("-1" is 4294967295), as oidin does for compatibility.
 */
export function parseOid(input: string): number {
  if (!intPattern.test(input)) throw new PgError('22P02', `invalid input syntax for type oid: "${input}"`);
  const value = BigInt(input.trim());
  if (value > 4294967295n || value < -2147483648n) {
    throw new PgError('22003', `value "${input}" is out of range for type oid`);
  }
  return Number(value < 0n ? value + 4294967296n : value);
}
