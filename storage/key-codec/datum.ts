/**
 * The JavaScript representation of SQL values (datums), shared by the key codec and the SQL layer.
 *
 * One representation per PostgreSQL type, chosen so that every value PostgreSQL 15 can store has
 * exactly one JavaScript shape:
 *
 * | type                   | representation                                                     |
 * |------------------------|--------------------------------------------------------------------|
 * | int2, int4             | number (an integer in the type's range)                            |
 * | int8                   | bigint (-2^63 .. 2^63-1)                                           |
 * | float4, float8         | number (float4 values are exactly representable as float32)        |
 * | numeric                | Decimal from decimal.js (NaN and ±Infinity included)               |
 * | text, varchar, bpchar  | string (well-formed UTF-16: no lone surrogates)                    |
 * | bytea                  | Uint8Array                                                         |
 * | bool                   | boolean                                                            |
 * | date                   | number of days since 1970-01-01; -Infinity / Infinity for PG's     |
 * |                        | '-infinity' / 'infinity'                                           |
 * | time                   | bigint microseconds since midnight, 0 .. 86_400_000_000 (24:00:00) |
 * | timestamp, timestamptz | bigint microseconds since 1970-01-01 00:00:00 (UTC for timestamptz)|
 * |                        | with TIMESTAMP_MINUS_INFINITY_MICROS / TIMESTAMP_INFINITY_MICROS   |
 * | interval               | Interval { months, days, micros }                                  |
 * | uuid                   | string, canonical lowercase 8-4-4-4-12 hex                         |
 * | NULL (any type)        | null                                                               |
 *
 * Text is compared in the "C" collation everywhere in Tessera: bytewise UTF-8, which is the same
 * as code point order.
 */
import type { Decimal } from 'decimal.js';

/** The SQL types a key can hold. `varchar` and `text` share one encoding; `bpchar` is char(n). */
export const DATUM_TYPES = [
  'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'bytea',
  'bool', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'uuid',
] as const;

export type DatumType = (typeof DATUM_TYPES)[number];

/**
 * PostgreSQL stores an interval as three fields and keeps them apart (adding '1 mon' to a date is
 * not adding '30 days'), but compares intervals by their total span with 1 month = 30 days and
 * 1 day = 24 hours, so '1 mon' = '30 days'.
 */
export interface Interval {
  /** An int32. */
  readonly months: number;
  /** An int32. */
  readonly days: number;
  /** An int64. */
  readonly micros: bigint;
}

/** The non-null value of each type. */
export interface DatumByType {
  readonly int2: number;
  readonly int4: number;
  readonly int8: bigint;
  readonly float4: number;
  readonly float8: number;
  readonly numeric: Decimal;
  readonly text: string;
  readonly varchar: string;
  readonly bpchar: string;
  readonly bytea: Uint8Array;
  readonly bool: boolean;
  readonly date: number;
  readonly time: bigint;
  readonly timestamp: bigint;
  readonly timestamptz: bigint;
  readonly interval: Interval;
  readonly uuid: string;
}

/** A value of type T, or NULL. */
export type DatumOf<T extends DatumType> = DatumByType[T] | null;

/** A value of any type, or NULL. */
export type Datum = DatumByType[DatumType] | null;

/**
 * PostgreSQL's timestamp '-infinity' and 'infinity' (for timestamp and timestamptz). They are the
 * int64 extremes, so plain bigint comparison puts them below and above every finite timestamp, as
 * PostgreSQL does ("earlier than all other time stamps" / "later than all other time stamps").
 */
export const TIMESTAMP_MINUS_INFINITY_MICROS = -(2n ** 63n);
export const TIMESTAMP_INFINITY_MICROS = 2n ** 63n - 1n;
