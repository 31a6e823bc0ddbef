/**
 * Type modifiers: parsing the modifiers written after a type name (`varchar(10)`,
 * `numeric(10,2)`, `timestamp(3)`, `interval day to second(2)`) into a typmod, as each type's
 * typmodin function does, and printing types with their modifiers as format_type does.
 */
import { PgError } from '../errors/pg-error.js';
import { Oid, type TypeOid } from './oids.js';
import type { SqlType } from './sql-type.js';
import { elementTypeOf, findType, isArrayType, typeInfo } from './type-registry.js';

/** VARHDRSZ: varchar(n) and char(n) store n + 4, numeric stores its packed precision + 4. */
export const VARHDRSZ = 4;
/** The longest declared length of varchar(n) and char(n) (MaxAttrSize). */
export const MAX_CHAR_LENGTH = 10 * 1024 * 1024;
export const NUMERIC_MAX_PRECISION = 1000;
export const NUMERIC_MIN_SCALE = -1000;
export const NUMERIC_MAX_SCALE = 1000;
/** timestamp(p), time(p) and interval seconds precision is at most 6 (MAX_TIMESTAMP_PRECISION). */
export const MAX_TIME_PRECISION = 6;

/**
 * interval field masks, as the grammar encodes `interval year to month` etc. in the first
 * modifier (INTERVAL_MASK in datetime.h).
 */
export const IntervalField = {
  month: 1 << 1,
  year: 1 << 2,
  day: 1 << 3,
  hour: 1 << 10,
  minute: 1 << 11,
  second: 1 << 12,
} as const;
/** INTERVAL_FULL_RANGE: no field restriction. */
export const INTERVAL_FULL_RANGE = 0x7fff;
/** INTERVAL_FULL_PRECISION: no seconds precision. */
export const INTERVAL_FULL_PRECISION = 0xffff;

/** The typmod of a type written with modifiers, checked as PostgreSQL's typmodin functions do. */
export function typmodFromModifiers(oid: TypeOid, modifiers: readonly number[]): number {
  if (modifiers.length === 0) return -1;
  switch (oid) {
    case Oid.varchar:
    case Oid.bpchar:
      return charTypmod(oid === Oid.varchar ? 'varchar' : 'char', modifiers);
    case Oid.numeric:
      return numericTypmod(modifiers);
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return timePrecisionTypmod(oid, modifiers);
    case Oid.interval:
      return intervalTypmod(modifiers);
    default:
      throw new PgError('42601', `type modifier is not allowed for type "${findType(oid)?.name ?? oid}"`);
  }
}

function charTypmod(name: string, modifiers: readonly number[]): number {
  if (modifiers.length !== 1) throw new PgError('22023', 'invalid type modifier');
  const length = modifiers[0] as number;
  if (length < 1) throw new PgError('22023', `length for type ${name} must be at least 1`);
  if (length > MAX_CHAR_LENGTH) throw new PgError('22023', `length for type ${name} cannot exceed ${MAX_CHAR_LENGTH}`);
  return length + VARHDRSZ;
}

function numericTypmod(modifiers: readonly number[]): number {
  if (modifiers.length > 2) throw new PgError('22023', 'invalid NUMERIC type modifier');
  const precision = modifiers[0] as number;
  const scale = modifiers[1] ?? 0;
  if (precision < 1 || precision > NUMERIC_MAX_PRECISION) {
    throw new PgError('22023', `NUMERIC precision ${precision} must be between 1 and ${NUMERIC_MAX_PRECISION}`);
  }
  if (scale < NUMERIC_MIN_SCALE || scale > NUMERIC_MAX_SCALE) {
    throw new PgError('22023', `NUMERIC scale ${scale} must be between ${NUMERIC_MIN_SCALE} and ${NUMERIC_MAX_SCALE}`);
  }
  return numericTypmodOf(precision, scale);
}

export function numericTypmodOf(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + VARHDRSZ;
}

/** numeric(p,s) of a typmod, or undefined for unconstrained numeric. */
export function numericPrecisionScale(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < VARHDRSZ) return undefined;
  const packed = typmod - VARHDRSZ;
  const precision = (packed >> 16) & 0xffff;
  // The scale is an 11-bit two's complement field (PostgreSQL 15 allows negative scales).
  const scale = (((packed & 0x7ff) ^ 0x400) - 0x400);
  return { precision, scale };
}

function timePrecisionTypmod(oid: TypeOid, modifiers: readonly number[]): number {
  const name = oid === Oid.time ? 'TIME' : oid === Oid.timestamp ? 'TIMESTAMP' : 'TIMESTAMP';
  if (modifiers.length !== 1) throw new PgError('22023', 'invalid type modifier');
  const precision = modifiers[0] as number;
  if (precision < 0) throw new PgError('22023', `${name}(${precision})${oid === Oid.timestamptz ? ' WITH TIME ZONE' : ''} precision must not be negative`);
  // PostgreSQL warns and reduces a larger precision to the maximum.
  return Math.min(precision, MAX_TIME_PRECISION);
}

function intervalTypmod(modifiers: readonly number[]): number {
  const range = modifiers[0] as number;
  let precision = INTERVAL_FULL_PRECISION;
  if (modifiers.length === 2) {
    precision = modifiers[1] as number;
    if (precision < 0) throw new PgError('22023', `INTERVAL(${precision}) precision must not be negative`);
    precision = Math.min(precision, MAX_TIME_PRECISION);
  } else if (modifiers.length > 2) {
    throw new PgError('22023', 'invalid INTERVAL type modifier');
  }
  if (!intervalRanges.has(range)) throw new PgError('22023', 'invalid INTERVAL type modifier');
  if (range !== INTERVAL_FULL_RANGE && precision !== INTERVAL_FULL_PRECISION && (range & IntervalField.second) === 0) {
    throw new PgError('42601', 'interval precision specified twice');
  }
  return intervalTypmodOf(range, precision);
}

export function intervalTypmodOf(range: number, precision: number): number {
  return ((range & 0x7fff) << 16) | (precision & 0xffff);
}

export function intervalRange(typmod: number): number {
  return typmod < 0 ? INTERVAL_FULL_RANGE : (typmod >> 16) & 0x7fff;
}

export function intervalPrecision(typmod: number): number {
  return typmod < 0 ? INTERVAL_FULL_PRECISION : typmod & 0xffff;
}

const F = IntervalField;
/** The field ranges the grammar can produce, with their names as format_type prints them. */
const intervalRanges = new Map<number, string>([
  [F.year, ' year'],
  [F.month, ' month'],
  [F.day, ' day'],
  [F.hour, ' hour'],
  [F.minute, ' minute'],
  [F.second, ' second'],
  [F.year | F.month, ' year to month'],
  [F.day | F.hour, ' day to hour'],
  [F.day | F.hour | F.minute, ' day to minute'],
  [F.day | F.hour | F.minute | F.second, ' day to second'],
  [F.hour | F.minute, ' hour to minute'],
  [F.hour | F.minute | F.second, ' hour to second'],
  [F.minute | F.second, ' minute to second'],
  [INTERVAL_FULL_RANGE, ''],
]);

/** The type's modifier as format_type prints it after the name, e.g. "(10,2)". */
function typmodSuffix(oid: TypeOid, typmod: number): string {
  if (typmod < 0) return '';
  switch (oid) {
    case Oid.varchar:
    case Oid.bpchar:
      return typmod >= VARHDRSZ ? `(${typmod - VARHDRSZ})` : '';
    case Oid.numeric: {
      const ps = numericPrecisionScale(typmod);
      return ps === undefined ? '' : `(${ps.precision},${ps.scale})`;
    }
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return `(${typmod})`;
    case Oid.interval: {
      const precision = intervalPrecision(typmod);
      const fields = intervalRanges.get(intervalRange(typmod)) ?? '';
      return precision === INTERVAL_FULL_PRECISION ? fields : `${fields}(${precision})`;
    }
    default:
      return '';
  }
}

/**
 * The SQL name of a type with its modifier, as format_type(oid, typmod) prints it:
 * `character varying(10)`, `numeric(10,2)`, `timestamp(3) without time zone`, `integer[]`.
 */
export function formatType(type: SqlType): string {
  const { oid, typmod } = type;
  if (isArrayType(oid) && oid !== Oid.int2vector && oid !== Oid.oidvector) {
    return `${formatType({ oid: elementTypeOf(oid), typmod })}[]`;
  }
  const info = findType(oid);
  if (info === undefined) return `type ${oid}`;
  const suffix = typmodSuffix(oid, typmod);
  switch (oid) {
    case Oid.time:
      return `time${suffix} without time zone`;
    case Oid.timestamp:
      return `timestamp${suffix} without time zone`;
    case Oid.timestamptz:
      return `timestamp${suffix} with time zone`;
    case Oid.bpchar:
      return suffix === '' ? 'character' : `character${suffix}`;
    default:
      return info.sqlName + suffix;
  }
}

/** The type's name without modifiers, as error messages print it (format_type_be). */
export function typeName(oid: TypeOid): string {
  return formatType({ oid, typmod: -1 });
}

/** pg_type.typname, as `regtype` does not print it but some messages do. */
export function typname(oid: TypeOid): string {
  return typeInfo(oid).name;
}
