/**
 * Calendar arithmetic on the proleptic Gregorian calendar, which PostgreSQL uses for all dates
 * ("PostgreSQL uses Julian dates for all date/time calculations... assumes the Gregorian
 * calendar for all years", manual B.5). Year 0 is 1 BC, year -1 is 2 BC.
 */
import {
  TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
} from '../../../../storage/key-codec/datum.js';

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_MINUTE = 60_000_000n;
export const MICROS_PER_HOUR = 3_600_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;
export const SECONDS_PER_DAY = 86_400;
export const DAYS_PER_MONTH = 30;
export const MONTHS_PER_YEAR = 12;

/** Julian day number of 1970-01-01 (UNIX_EPOCH_JDATE). */
export const UNIX_EPOCH_JULIAN_DAY = 2_440_588;
/** Julian day number of 2000-01-01 (POSTGRES_EPOCH_JDATE). */
export const POSTGRES_EPOCH_JULIAN_DAY = 2_451_545;

/** The first date PostgreSQL holds: 4714-11-24 BC (Julian day 0). */
export const DATE_DAYS_MIN = -UNIX_EPOCH_JULIAN_DAY;
/** The last date PostgreSQL holds: 5874897-12-31 (Julian day 2147483493). */
export const DATE_DAYS_MAX = 2_147_483_493 - UNIX_EPOCH_JULIAN_DAY;
/** Timestamps run from 4714-11-24 BC 00:00 to 294276-12-31 24:00 exclusive (END_TIMESTAMP). */
export const TIMESTAMP_MICROS_MIN = BigInt(DATE_DAYS_MIN) * MICROS_PER_DAY;
/**
 * The last finite timestamp Tessera holds. PostgreSQL's END_TIMESTAMP (294277-01-01) counted in
 * microseconds from 1970 lies beyond int64, whose top is the 'infinity' sentinel, so timestamps
 * stop one microsecond short of it, at 294247-01-10 04:00:54.775806 (storage/key-codec/limits.ts).
 */
export const TIMESTAMP_MICROS_MAX = 2n ** 63n - 2n;
export { TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS };

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (monthDays[month - 1] as number);
}

/** Days since 1970-01-01 of a Gregorian date (year 0 = 1 BC). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day of the week, 0 = Sunday. */
export function dayOfWeek(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Day of the year, 1-based. */
export function dayOfYear(days: number): number {
  const { year } = civilFromDays(days);
  return days - daysFromCivil(year, 1, 1) + 1;
}

/** The ISO 8601 week-numbering year and week of a date. */
export function isoWeek(days: number): { isoYear: number; week: number } {
  const isoDow = dayOfWeek(days) === 0 ? 7 : dayOfWeek(days);
  // The Thursday of this week decides the year.
  const thursday = days - isoDow + 4;
  const isoYear = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return { isoYear, week };
}

/** The Monday that starts ISO week 1 of an ISO year. */
export function isoYearStart(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4);
  const isoDow = dayOfWeek(jan4) === 0 ? 7 : dayOfWeek(jan4);
  return jan4 - isoDow + 1;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && ((r < 0n) !== (b < 0n)) ? r + b : r;
}

/** The broken-down fields of a timestamp (microseconds since 1970, in some zone's local time). */
export interface DateTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  /** Days since 1970-01-01 of the date part. */
  readonly days: number;
}

export function fieldsFromMicros(micros: bigint): DateTimeFields {
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const timeMicros = Number(floorMod(micros, MICROS_PER_DAY));
  const { year, month, day } = civilFromDays(days);
  const totalSeconds = Math.floor(timeMicros / 1_000_000);
  return {
    year, month, day, days,
    hour: Math.floor(totalSeconds / 3600),
    minute: Math.floor((totalSeconds % 3600) / 60),
    second: totalSeconds % 60,
    micros: timeMicros % 1_000_000,
  };
}

export function microsFromFields(days: number, timeMicros: bigint): bigint {
  return BigInt(days) * MICROS_PER_DAY + timeMicros;
}

export function timeMicrosOf(hour: number, minute: number, second: number, micros: number): bigint {
  return BigInt(((hour * 60 + minute) * 60 + second)) * MICROS_PER_SECOND + BigInt(micros);
}

export function isFiniteTimestamp(micros: bigint): boolean {
  return micros !== TIMESTAMP_INFINITY_MICROS && micros !== TIMESTAMP_MINUS_INFINITY_MICROS;
}

/** IS_VALID_TIMESTAMP, with Tessera's upper end (TIMESTAMP_MICROS_MAX). */
export function isValidTimestamp(micros: bigint): boolean {
  return micros >= TIMESTAMP_MICROS_MIN && micros <= TIMESTAMP_MICROS_MAX;
}

/** IS_VALID_DATE. */
export function isValidDate(days: number): boolean {
  return days >= DATE_DAYS_MIN && days <= DATE_DAYS_MAX;
}

/** IS_VALID_JULIAN: dates whose Julian day computation cannot overflow (before the year check). */
export function isValidJulian(year: number, month: number): boolean {
  return (year > -4713 || (year === -4713 && month >= 11)) && (year < 5_874_898 || (year === 5_874_898 && month < 6));
}
