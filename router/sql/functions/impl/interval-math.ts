/**
 * interval arithmetic and date/time arithmetic with intervals, as timestamp.c does it: months are
 * added on the calendar (Jan 31 + 1 month = Feb 29 or 28, "the end of month boundary"), then days
 * on the calendar (in the session's zone for timestamptz, so a day across a DST change keeps the
 * wall-clock time), then the time part as microseconds.
 */
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { PgError } from '../../errors/pg-error.js';
import {
  civilFromDays, daysFromCivil, daysInMonth, floorDiv, floorMod, isValidTimestamp, MICROS_PER_DAY,
} from '../../types/datetime/calendar.js';
import { fromLocal, toLocal } from '../../types/datetime/datetime-io.js';
import { rint } from '../../types/datetime/parse-datetime.js';
import type { TimeZone } from '../../types/datetime/time-zone.js';
import { isInfiniteTimestamp } from '../../types/conversions.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const intervalOutOfRange = (): PgError => new PgError('22008', 'interval out of range');
export const timestampOutOfRange = (): PgError => new PgError('22008', 'timestamp out of range');

function int32(n: number): number {
  if (!(n >= INT32_MIN && n <= INT32_MAX)) throw intervalOutOfRange();
  return n;
}

function int64(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw intervalOutOfRange();
  return n;
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  return { months: int32(a.months + b.months), days: int32(a.days + b.days), micros: int64(a.micros + b.micros) };
}

export function intervalSub(a: Interval, b: Interval): Interval {
  return { months: int32(a.months - b.months), days: int32(a.days - b.days), micros: int64(a.micros - b.micros) };
}

export function intervalNegate(a: Interval): Interval {
  return { months: int32(-a.months), days: int32(-a.days), micros: int64(-a.micros) };
}

/** TSROUND: rounds to six decimal places to tame binary floating point. */
const tsRound = (x: number): number => rint(x * 1e6) / 1e6;

const fitsInt32 = (x: number): boolean => !Number.isNaN(x) && x >= INT32_MIN && x < -INT32_MIN;

/** interval * float8, cascading fractional months and days down (never up), as interval_mul does. */
export function intervalMultiply(span: Interval, factor: number): Interval {
  const monthsProduct = span.months * factor;
  if (!fitsInt32(monthsProduct)) throw intervalOutOfRange();
  const months = Math.trunc(monthsProduct);
  const daysProduct = span.days * factor;
  if (!fitsInt32(daysProduct)) throw intervalOutOfRange();
  let days = Math.trunc(daysProduct);
  const monthRemainderDays = tsRound((span.months * factor - months) * 30);
  let secRemainder = tsRound((span.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    const whole = Math.trunc(secRemainder / 86400);
    days = int32(days + whole);
    secRemainder -= whole * 86400;
  }
  days = int32(days + Math.trunc(monthRemainderDays));
  const micros = rint(Number(span.micros) * factor + secRemainder * 1e6);
  if (Number.isNaN(micros) || !(micros >= -(2 ** 63) && micros < 2 ** 63)) throw intervalOutOfRange();
  return { months, days, micros: BigInt(micros) };
}

export function intervalDivide(span: Interval, factor: number): Interval {
  if (factor === 0) throw new PgError('22012', 'division by zero');
  const months = Math.trunc(span.months / factor);
  let days = Math.trunc(span.days / factor);
  if (!fitsInt32(span.months / factor) || !fitsInt32(span.days / factor)) throw intervalOutOfRange();
  const monthRemainderDays = tsRound((span.months / factor - months) * 30);
  let secRemainder = tsRound((span.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    const whole = Math.trunc(secRemainder / 86400);
    days += whole;
    secRemainder -= whole * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rint(Number(span.micros) / factor + secRemainder * 1e6);
  if (Number.isNaN(micros) || !(micros >= -(2 ** 63) && micros < 2 ** 63)) throw intervalOutOfRange();
  return { months: int32(months), days: int32(days), micros: BigInt(micros) };
}

export function justifyHours(span: Interval): Interval {
  let micros = span.micros;
  const wholeDays = micros / MICROS_PER_DAY;
  micros -= wholeDays * MICROS_PER_DAY;
  let days = int32(span.days + Number(wholeDays));
  if (days > 0 && micros < 0n) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return { months: span.months, days, micros };
}

export function justifyDays(span: Interval): Interval {
  const wholeMonths = Math.trunc(span.days / 30);
  let days = span.days - wholeMonths * 30;
  let months = int32(span.months + wholeMonths);
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return { months, days, micros: span.micros };
}

export function justifyInterval(span: Interval): Interval {
  let { months, days, micros } = span;
  if ((days > 0 && micros > 0n) || (days < 0 && micros < 0n)) {
    const wholeMonths = Math.trunc(days / 30);
    days -= wholeMonths * 30;
    months = int32(months + wholeMonths);
  }
  const wholeDays = micros / MICROS_PER_DAY;
  micros -= wholeDays * MICROS_PER_DAY;
  days = int32(days + Number(wholeDays));
  const wholeMonths = Math.trunc(days / 30);
  days -= wholeMonths * 30;
  months = int32(months + wholeMonths);
  if (months > 0 && (days < 0 || (days === 0 && micros < 0n))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0n))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0n) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return { months, days, micros };
}

/** Adds months on the calendar, clamping the day to the new month's length. */
export function addMonthsToDays(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  let total = year * 12 + (month - 1) + months;
  const newYear = Math.floor(total / 12);
  total -= newYear * 12;
  const newMonth = total + 1;
  return daysFromCivil(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}

/** A local timestamp plus an interval (timestamp_pl_interval). */
export function timestampPlusInterval(micros: bigint, span: Interval): bigint {
  if (isInfiniteTimestamp(micros)) return micros;
  let result = micros;
  if (span.months !== 0 || span.days !== 0) {
    const days = Number(floorDiv(result, MICROS_PER_DAY));
    const time = floorMod(result, MICROS_PER_DAY);
    let newDays = span.months !== 0 ? addMonthsToDays(days, span.months) : days;
    newDays += span.days;
    result = BigInt(newDays) * MICROS_PER_DAY + time;
    if (!isValidTimestamp(result)) throw timestampOutOfRange();
  }
  result += span.micros;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

/** timestamptz plus an interval: months and days in local time of the zone, then the time. */
export function timestamptzPlusInterval(utc: bigint, span: Interval, zone: TimeZone): bigint {
  if (isInfiniteTimestamp(utc)) return utc;
  let result = utc;
  if (span.months !== 0 || span.days !== 0) {
    const { localMicros } = toLocal(result, zone);
    const local = timestampPlusInterval(localMicros, { months: span.months, days: span.days, micros: 0n });
    result = fromLocal(local, zone);
    if (!isValidTimestamp(result)) throw timestampOutOfRange();
  }
  result += span.micros;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

/** timestamp - timestamp: the difference in microseconds, then justify_hours (timestamp_mi). */
export function timestampDifference(a: bigint, b: bigint): Interval {
  if (isInfiniteTimestamp(a) || isInfiniteTimestamp(b)) throw new PgError('22008', 'cannot subtract infinite timestamps');
  return justifyHours({ months: 0, days: 0, micros: int64(a - b) });
}

interface Broken {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

function broken(micros: bigint): Broken {
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const time = Number(floorMod(micros, MICROS_PER_DAY));
  const { year, month, day } = civilFromDays(days);
  const seconds = Math.floor(time / 1e6);
  return { year, month, day, hour: Math.floor(seconds / 3600), minute: Math.floor((seconds % 3600) / 60), second: seconds % 60, micros: time % 1e6 };
}

/** age(a, b): the symbolic difference in years, months, days and time, with borrowing (timestamp_age). */
export function age(a: bigint, b: bigint): Interval {
  if (isInfiniteTimestamp(a) || isInfiniteTimestamp(b)) throw new PgError('22008', 'timestamp out of range');
  const t1 = broken(a);
  const t2 = broken(b);
  const negative = a < b;
  const flip = (x: number): number => (negative ? -x : x);
  let micros = flip(t1.micros - t2.micros);
  let second = flip(t1.second - t2.second);
  let minute = flip(t1.minute - t2.minute);
  let hour = flip(t1.hour - t2.hour);
  let day = flip(t1.day - t2.day);
  let month = flip(t1.month - t2.month);
  let year = flip(t1.year - t2.year);
  while (micros < 0) {
    micros += 1e6;
    second--;
  }
  while (second < 0) {
    second += 60;
    minute--;
  }
  while (minute < 0) {
    minute += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    day--;
  }
  while (day < 0) {
    const reference = negative ? t1 : t2;
    day += daysInMonth(reference.year, reference.month);
    month--;
  }
  while (month < 0) {
    month += 12;
    year--;
  }
  const sign = negative ? -1 : 1;
  return {
    months: int32(sign * (year * 12 + month)),
    days: int32(sign * day),
    micros: BigInt(sign) * (BigInt(((hour * 60 + minute) * 60 + second)) * 1_000_000n + BigInt(micros)),
  };
}
