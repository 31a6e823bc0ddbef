/**
 * Date/time functions and operators (manual 9.9): arithmetic, extract/date_part, date_trunc,
 * age, make_*, justify_*, AT TIME ZONE, date_bin, OVERLAPS and the current-time functions.
 */
import type { Decimal } from 'decimal.js';
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { PgError } from '../../errors/pg-error.js';
import {
  dateToTimestamp, isInfiniteTimestamp, timestampToDate, timestampToTimestamptz, timestamptzToTimestamp,
} from '../../types/conversions.js';
import {
  civilFromDays, dayOfWeek, dayOfYear, daysFromCivil, daysInMonth, floorDiv, floorMod, isoWeek, isValidDate,
  isValidTimestamp, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
  UNIX_EPOCH_JULIAN_DAY,
} from '../../types/datetime/calendar.js';
import { formatTimestamptz, fromLocal, toLocal } from '../../types/datetime/datetime-io.js';
import { rint } from '../../types/datetime/parse-datetime.js';
import { printfG } from '../../types/io/float-io.js';
import { FixedOffsetZone, findTimeZone, type TimeZone } from '../../types/datetime/time-zone.js';
import { lookupZoneAbbreviation } from '../../types/datetime/zone-abbreviations.js';
import { numeric } from '../../types/numeric-value.js';
import { asArgs, type Call, type ScalarImpl } from '../function-types.js';
import {
  age, intervalAdd, intervalDivide, intervalMultiply, intervalNegate, intervalSub, justifyDays,
  justifyHours, justifyInterval, timestampDifference, timestampOutOfRange, timestampPlusInterval, timestamptzPlusInterval,
} from './interval-math.js';
import { divideRounded } from './numeric-ops.js';

const big = (v: unknown): bigint => v as bigint;
const iv = (v: unknown): Interval => v as Interval;
const num = (v: unknown): number => v as number;
const txt = (v: unknown): string => v as string;

/** Unit names as date_trunc and extract read them (DecodeUnits/DecodeSpecial, lowercased). */
const unitAliases = new Map<string, string>();
const unitTable: [string, string[]][] = [
  ['microseconds', ['microsecond', 'microseconds', 'microsecon', 'us', 'usec', 'usecs', 'useconds']],
  ['milliseconds', ['millisecond', 'milliseconds', 'millisecon', 'ms', 'msec', 'msecs', 'mseconds']],
  ['second', ['second', 'seconds', 's', 'sec', 'secs']],
  ['minute', ['minute', 'minutes', 'm', 'min', 'mins']],
  ['hour', ['hour', 'hours', 'h', 'hr', 'hrs']],
  ['day', ['day', 'days', 'd']],
  ['week', ['week', 'weeks', 'w']],
  ['month', ['month', 'months', 'mon', 'mons']],
  ['quarter', ['quarter', 'qtr']],
  ['year', ['year', 'years', 'y', 'yr', 'yrs']],
  ['decade', ['decade', 'decades', 'dec', 'decs']],
  ['century', ['century', 'centuries', 'c', 'cent']],
  ['millennium', ['millennium', 'millennia', 'mil', 'mils']],
  ['epoch', ['epoch']],
  ['julian', ['julian', 'j']],
  ['dow', ['dow']],
  ['isodow', ['isodow']],
  ['doy', ['doy']],
  ['isoyear', ['isoyear']],
  ['timezone', ['timezone']],
  ['timezone_hour', ['timezone_h', 'timezone_hour']],
  ['timezone_minute', ['timezone_m', 'timezone_minute']],
];
for (const [unit, names] of unitTable) for (const name of names) unitAliases.set(name, unit);

function unitOf(text: string, typeName: string): string {
  const unit = unitAliases.get(text.toLowerCase());
  if (unit === undefined) throw new PgError('22023', `unit "${text}" not recognized for type ${typeName}`);
  return unit;
}

/** date_trunc's units: "epoch" is a reserved word to PostgreSQL, not a unit, so it is not recognized. */
function truncUnitOf(text: string, typeName: string): string {
  if (text.toLowerCase() === 'epoch') throw new PgError('22023', `unit "${text}" not recognized for type ${typeName}`);
  return unitOf(text, typeName);
}

const notSupported = (unit: string, typeName: string): PgError =>
  new PgError('0A000', `unit "${unit}" not supported for type ${typeName}`);

// ---------------------------------------------------------------------------------------------
// date_trunc

/** The first year of the decade/century/millennium, as date_trunc computes them (year 0 = 1 BC). */
function truncateYear(year: number, unit: string): number {
  switch (unit) {
    case 'millennium':
      return year > 0 ? Math.floor((year + 999) / 1000) * 1000 - 999 : -Math.trunc((999 - (year - 1)) / 1000) * 1000 + 1;
    case 'century':
      return year > 0 ? Math.floor((year + 99) / 100) * 100 - 99 : -Math.trunc((99 - (year - 1)) / 100) * 100 + 1;
    case 'decade':
      return year > 0 ? Math.floor(year / 10) * 10 : -Math.trunc((8 - (year - 1)) / 10) * 10;
    default:
      return year;
  }
}

/** date_trunc on a local timestamp; `typeName` names the type in errors. */
export function truncateLocal(unitText: string, micros: bigint, typeName: string): bigint {
  const unit = truncUnitOf(unitText, typeName);
  if (isInfiniteTimestamp(micros)) return micros;
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const time = floorMod(micros, MICROS_PER_DAY);
  const { year, month } = civilFromDays(days);
  const at = (d: number, t: bigint): bigint => {
    const result = BigInt(d) * MICROS_PER_DAY + t;
    if (!isValidTimestamp(result)) throw timestampOutOfRange();
    return result;
  };
  switch (unit) {
    case 'millennium':
    case 'century':
    case 'decade':
      return at(daysFromCivil(truncateYear(year, unit), 1, 1), 0n);
    case 'year':
      return at(daysFromCivil(year, 1, 1), 0n);
    case 'quarter':
      return at(daysFromCivil(year, Math.floor((month - 1) / 3) * 3 + 1, 1), 0n);
    case 'month':
      return at(daysFromCivil(year, month, 1), 0n);
    case 'week': {
      const isoDow = dayOfWeek(days) === 0 ? 7 : dayOfWeek(days);
      return at(days - isoDow + 1, 0n);
    }
    case 'day':
      return at(days, 0n);
    case 'hour':
      return at(days, time - (time % MICROS_PER_HOUR));
    case 'minute':
      return at(days, time - (time % MICROS_PER_MINUTE));
    case 'second':
      return at(days, time - (time % 1_000_000n));
    case 'milliseconds':
      return at(days, time - (time % 1000n));
    case 'microseconds':
      return micros;
    default:
      throw notSupported(unitText, typeName);
  }
}

function truncateTimestamptz(unitText: string, utc: bigint, zone: TimeZone): bigint {
  const unit = truncUnitOf(unitText, 'timestamp with time zone');
  if (isInfiniteTimestamp(utc)) return utc;
  const { localMicros, offsetSeconds } = toLocal(utc, zone);
  const truncated = truncateLocal(unitText, localMicros, 'timestamp with time zone');
  // Units of a day and above find the zone's offset anew; smaller ones keep the instant's.
  const large = ['millennium', 'century', 'decade', 'year', 'quarter', 'month', 'week', 'day'].includes(unit);
  return large ? fromLocal(truncated, zone) : truncated - BigInt(offsetSeconds) * 1_000_000n;
}

function truncateInterval(unitText: string, span: Interval): Interval {
  const unit = truncUnitOf(unitText, 'interval');
  const years = Math.trunc(span.months / 12);
  const t = span.micros;
  switch (unit) {
    case 'millennium':
      return { months: Math.trunc(years / 1000) * 12000, days: 0, micros: 0n };
    case 'century':
      return { months: Math.trunc(years / 100) * 1200, days: 0, micros: 0n };
    case 'decade':
      return { months: Math.trunc(years / 10) * 120, days: 0, micros: 0n };
    case 'year':
      return { months: years * 12, days: 0, micros: 0n };
    case 'quarter':
      return { months: years * 12 + Math.trunc((span.months % 12) / 3) * 3, days: 0, micros: 0n };
    case 'month':
      return { months: span.months, days: 0, micros: 0n };
    case 'day':
      return { months: span.months, days: span.days, micros: 0n };
    case 'hour':
      return { ...span, micros: t - (t % MICROS_PER_HOUR) };
    case 'minute':
      return { ...span, micros: t - (t % MICROS_PER_MINUTE) };
    case 'second':
      return { ...span, micros: t - (t % 1_000_000n) };
    case 'milliseconds':
      return { ...span, micros: t - (t % 1000n) };
    case 'microseconds':
      return span;
    case 'week':
      throw new PgError('0A000', `unit "${unitText}" not supported for type interval`, { detail: 'Months usually have fractional weeks.' });
    default:
      throw notSupported(unitText, 'interval');
  }
}

// ---------------------------------------------------------------------------------------------
// extract / date_part

/** A numeric of an integer count of `unitMicros`-scaled units: n / 10^scale with that scale. */
function scaledNumeric(value: bigint, scale: number): Decimal {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return numeric(negative ? `-${text}` : text, scale);
}

const int = (n: number): Decimal => numeric(n, 0);

function yearField(year: number): number {
  return year > 0 ? year : year - 1;
}

/** extract(field from local timestamp); `zoneOffset` is given for timestamptz. */
function extractLocal(unitText: string, micros: bigint, typeName: string, zoneOffsetSeconds?: number): Decimal {
  const unit = unitOf(unitText, typeName);
  if (isInfiniteTimestamp(micros)) {
    const positive = micros === TIMESTAMP_INFINITY_MICROS;
    if (['epoch', 'julian', 'year', 'decade', 'century', 'millennium', 'isoyear'].includes(unit)) return numeric(positive ? Infinity : -Infinity);
    return null as unknown as Decimal;
  }
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const time = floorMod(micros, MICROS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const secondMicros = time % 60_000_000n;
  switch (unit) {
    case 'microseconds':
      return scaledNumeric(secondMicros, 0);
    case 'milliseconds':
      return scaledNumeric(secondMicros, 3);
    case 'second':
      return scaledNumeric(secondMicros, 6);
    case 'minute':
      return int(Number((time / MICROS_PER_MINUTE) % 60n));
    case 'hour':
      return int(Number(time / MICROS_PER_HOUR));
    case 'day':
      return int(day);
    case 'month':
      return int(month);
    case 'quarter':
      return int(Math.floor((month - 1) / 3) + 1);
    case 'week':
      return int(isoWeek(days).week);
    case 'year':
      return int(yearField(year));
    case 'decade':
      return int(year >= 0 ? Math.floor(year / 10) : -Math.trunc((8 - (year - 1)) / 10));
    case 'century':
      return int(year > 0 ? Math.floor((year + 99) / 100) : -Math.trunc((99 - (year - 1)) / 100));
    case 'millennium':
      return int(year > 0 ? Math.floor((year + 999) / 1000) : -Math.trunc((999 - (year - 1)) / 1000));
    case 'julian': {
      const julian = numeric(days + UNIX_EPOCH_JULIAN_DAY, 0);
      if (time === 0n) return julian;
      const fraction = divideRounded(numeric(time.toString(), 0), numeric(MICROS_PER_DAY.toString(), 0), 20);
      return numeric(julian.plus(fraction), 20);
    }
    case 'isoyear': {
      const isoYear = isoWeek(days).isoYear;
      return int(isoYear > 0 ? isoYear : isoYear - 1);
    }
    case 'dow':
      return int(dayOfWeek(days));
    case 'isodow':
      return int(dayOfWeek(days) === 0 ? 7 : dayOfWeek(days));
    case 'doy':
      return int(dayOfYear(days));
    case 'epoch': {
      const utc = zoneOffsetSeconds === undefined ? micros : micros - BigInt(zoneOffsetSeconds) * 1_000_000n;
      return scaledNumeric(utc, 6);
    }
    case 'timezone':
    case 'timezone_hour':
    case 'timezone_minute': {
      if (zoneOffsetSeconds === undefined) throw notSupported(unitText, typeName);
      if (unit === 'timezone') return int(zoneOffsetSeconds);
      if (unit === 'timezone_hour') return int(Math.trunc(zoneOffsetSeconds / 3600));
      return int(Math.trunc((zoneOffsetSeconds % 3600) / 60));
    }
    default:
      throw notSupported(unitText, typeName);
  }
}

function extractDate(unitText: string, days: number): Decimal | null {
  const unit = unitOf(unitText, 'date');
  if (!Number.isFinite(days)) {
    if (['epoch', 'julian', 'year', 'decade', 'century', 'millennium', 'isoyear'].includes(unit)) return numeric(days);
    if (['day', 'month', 'quarter', 'week', 'dow', 'isodow', 'doy'].includes(unit)) return null;
    throw notSupported(unitText, 'date');
  }
  switch (unit) {
    case 'day': case 'month': case 'quarter': case 'week': case 'year': case 'decade': case 'century': case 'millennium':
    case 'isoyear': case 'dow': case 'isodow': case 'doy':
      return extractLocal(unitText, BigInt(days) * MICROS_PER_DAY, 'date');
    case 'julian':
      return int(days + UNIX_EPOCH_JULIAN_DAY);
    case 'epoch':
      return numeric((BigInt(days) * 86400n).toString(), 0);
    default:
      throw notSupported(unitText, 'date');
  }
}

function extractTime(unitText: string, micros: bigint): Decimal {
  const unit = unitOf(unitText, 'time without time zone');
  switch (unit) {
    case 'microseconds':
      return scaledNumeric(micros % 60_000_000n, 0);
    case 'milliseconds':
      return scaledNumeric(micros % 60_000_000n, 3);
    case 'second':
      return scaledNumeric(micros % 60_000_000n, 6);
    case 'minute':
      return int(Number((micros / MICROS_PER_MINUTE) % 60n));
    case 'hour':
      return int(Number(micros / MICROS_PER_HOUR));
    case 'epoch':
      return scaledNumeric(micros, 6);
    default:
      throw notSupported(unitText, 'time without time zone');
  }
}

function extractInterval(unitText: string, span: Interval): Decimal {
  const unit = unitOf(unitText, 'interval');
  const years = Math.trunc(span.months / 12);
  const t = span.micros;
  switch (unit) {
    case 'microseconds':
      return scaledNumeric(t % 60_000_000n, 0);
    case 'milliseconds':
      return scaledNumeric(t % 60_000_000n, 3);
    case 'second':
      return scaledNumeric(t % 60_000_000n, 6);
    case 'minute':
      return int(Number((t / MICROS_PER_MINUTE) % 60n));
    case 'hour':
      return int(Number(t / MICROS_PER_HOUR));
    case 'day':
      return int(span.days);
    case 'month':
      return int(span.months % 12);
    case 'quarter':
      return int(Math.trunc((span.months % 12) / 3) + 1);
    case 'year':
      return int(years);
    case 'decade':
      return int(Math.trunc(years / 10));
    case 'century':
      return int(Math.trunc(years / 100));
    case 'millennium':
      return int(Math.trunc(years / 1000));
    case 'epoch': {
      // 365.25 days a year and 30 a month, computed in quarter days to stay integral.
      const secondsFromDaysMonths = (BigInt(4 * 365.25) * BigInt(years) + 120n * BigInt(span.months % 12) + 4n * BigInt(span.days)) * (86400n / 4n);
      return scaledNumeric(secondsFromDaysMonths * 1_000_000n + t, 6);
    }
    default:
      throw notSupported(unitText, 'interval');
  }
}

const toFloat = (value: Decimal | null): number | null => (value === null ? null : value.toNumber());

// ---------------------------------------------------------------------------------------------
// time zones

/** The zone AT TIME ZONE names: an abbreviation, a zone name, or an error. */
function zoneByName(name: string): TimeZone {
  const abbreviation = lookupZoneAbbreviation(name.toLowerCase());
  if (abbreviation !== undefined) return new FixedOffsetZone(name, abbreviation);
  const zone = findTimeZone(name);
  if (zone === undefined) throw new PgError('22023', `time zone "${name}" not recognized`);
  return zone;
}

function zoneOfInterval(span: Interval): TimeZone {
  if (span.months !== 0 || span.days !== 0) {
    throw new PgError('22023', `interval time zone "${formatIntervalZone(span)}" must not include months or days`);
  }
  return new FixedOffsetZone('interval', Number(span.micros / 1_000_000n));
}

function formatIntervalZone(span: Interval): string {
  const parts: string[] = [];
  if (span.months !== 0) parts.push(`${span.months} mon${Math.abs(span.months) === 1 ? '' : 's'}`);
  if (span.days !== 0) parts.push(`${span.days} day${Math.abs(span.days) === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** timestamptz AT TIME ZONE zone: the local time there. */
function atZoneFromUtc(utc: bigint, zone: TimeZone): bigint {
  if (isInfiniteTimestamp(utc)) return utc;
  const { localMicros } = toLocal(utc, zone);
  if (!isValidTimestamp(localMicros)) throw timestampOutOfRange();
  return localMicros;
}

/** timestamp AT TIME ZONE zone: the instant that local time names there. */
function atZoneFromLocal(local: bigint, zone: TimeZone): bigint {
  if (isInfiniteTimestamp(local)) return local;
  const utc = fromLocal(local, zone);
  if (!isValidTimestamp(utc)) throw timestampOutOfRange();
  return utc;
}

// ---------------------------------------------------------------------------------------------
// constructors

function makeDate(year: number, month: number, day: number): number {
  const y = year < 0 ? year + 1 : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) {
    throw new PgError('22008', `date field value out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  }
  const days = daysFromCivil(y, month, day);
  if (!isValidDate(days)) throw new PgError('22008', `date out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return days;
}

/** %g of a seconds value, for make_time's and make_timestamp's messages. */
function formatG(value: number): string {
  return printfG(value, 6);
}

function makeTimeMicros(hour: number, minute: number, second: number): bigint {
  if (hour < 0 || minute < 0 || minute > 59 || Number.isNaN(second) || second < 0 || second > 60 || hour > 24 ||
      (hour === 24 && (minute > 0 || second > 0))) {
    throw new PgError('22008', `time field value out of range: ${hour}:${String(minute).padStart(2, '0')}:${formatG(second).padStart(2, '0')}`);
  }
  return BigInt((hour * 60 + minute) * 60) * 1_000_000n + BigInt(rint(second * 1e6));
}

function makeTimestamp(year: number, month: number, day: number, hour: number, minute: number, second: number): bigint {
  const days = makeDate(year, month, day);
  const micros = BigInt(days) * MICROS_PER_DAY + makeTimeMicros(hour, minute, second);
  if (!isValidTimestamp(micros)) {
    throw new PgError('22008', `timestamp out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${hour}:${String(minute).padStart(2, '0')}:${formatG(second)}`);
  }
  return micros;
}

function makeInterval(args: readonly unknown[]): Interval {
  const [years, months, weeks, days, hours, minutes, seconds] = args.map((a) => a as number);
  const secs = seconds as number;
  if (!Number.isFinite(secs)) throw new PgError('22008', 'interval out of range');
  const totalMonths = (years as number) * 12 + (months as number);
  const totalDays = (weeks as number) * 7 + (days as number);
  if (!Number.isSafeInteger(totalMonths) || Math.abs(totalMonths) > 2147483647 || Math.abs(totalDays) > 2147483647) {
    throw new PgError('22008', 'interval out of range');
  }
  const micros = BigInt(hours as number) * MICROS_PER_HOUR + BigInt(minutes as number) * MICROS_PER_MINUTE + BigInt(rint(secs * 1e6));
  return { months: totalMonths, days: totalDays, micros };
}

function dateBin(stride: Interval, source: bigint, origin: bigint): bigint {
  if (isInfiniteTimestamp(source)) return source;
  if (isInfiniteTimestamp(origin)) throw new PgError('22008', 'origin out of range');
  if (stride.months !== 0) throw new PgError('0A000', 'timestamps cannot be binned into intervals containing months or years');
  const strideMicros = BigInt(stride.days) * MICROS_PER_DAY + stride.micros;
  if (strideMicros <= 0n) throw new PgError('22023', 'stride must be greater than zero');
  const delta = source - origin;
  let bins = delta / strideMicros;
  // Round toward negative infinity, as date_bin does for sources before the origin.
  if (delta < 0n && delta % strideMicros !== 0n) bins -= 1n;
  const result = origin + bins * strideMicros;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

/** (s1, e1) OVERLAPS (s2, e2), with PostgreSQL's NULL rules (overlaps_timestamp). */
function overlaps(s1: bigint | null, e1: bigint | null, s2: bigint | null, e2: bigint | null): boolean | null {
  let [a1, b1, a2, b2] = [s1, e1, s2, e2];
  if (a1 === null) {
    if (b1 === null) return null;
    [a1, b1] = [b1, null];
  } else if (b1 !== null && b1 < a1) [a1, b1] = [b1, a1];
  if (a2 === null) {
    if (b2 === null) return null;
    [a2, b2] = [b2, null];
  } else if (b2 !== null && b2 < a2) [a2, b2] = [b2, a2];
  if (a1 > a2) {
    if (b2 === null) return null;
    if (a1 < b2) return true;
    if (b1 === null) return null;
    return false;
  }
  if (a1 < a2) {
    if (b1 === null) return null;
    if (a2 < b1) return true;
    if (b2 === null) return null;
    return false;
  }
  // The starts are equal: the intervals overlap even when one ends where it starts.
  if (b1 === null || b2 === null) return null;
  return true;
}

const plusInterval = (t: bigint | null, span: Interval | null): bigint | null =>
  t === null || span === null ? null : timestampPlusInterval(t, span);

function timeOverlaps(args: readonly unknown[], intervals: [boolean, boolean]): boolean | null {
  const end = (start: unknown, other: unknown, isInterval: boolean): bigint | null => {
    if (other === null) return null;
    if (!isInterval) return other as bigint;
    if (start === null) return null;
    return floorMod((start as bigint) + (other as Interval).micros, MICROS_PER_DAY);
  };
  return overlaps(args[0] as bigint | null, end(args[0], args[1], intervals[0]), args[2] as bigint | null, end(args[2], args[3], intervals[1]));
}

function timeofday(ctx: Call['ctx']): string {
  const now = ctx.clockTimestampMicros();
  const { localMicros, offsetSeconds } = toLocal(now, ctx.timeZone);
  const days = Number(floorDiv(localMicros, MICROS_PER_DAY));
  const time = Number(floorMod(localMicros, MICROS_PER_DAY));
  const { year, month, day } = civilFromDays(days);
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const seconds = Math.floor(time / 1e6);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const zone = ctx.timeZone.abbreviationAt(Number(now / 1_000_000n)) || formatTimestamptz(0n, new FixedOffsetZone('', offsetSeconds)).slice(19);
  return `${names[dayOfWeek(days)]} ${months[month - 1]} ${pad(day)} ${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}.${pad(time % 1e6, 6)} ${year} ${zone}`;
}

/** The date/time functions and operators, by C symbol (SQL-language ones by signature). */
export const datetimeImpls: Record<string, ScalarImpl> = {
  now: (_a, call) => call.ctx.transactionTimestampMicros,
  statement_timestamp: (_a, call) => call.ctx.statementTimestampMicros,
  clock_timestamp: (_a, call) => call.ctx.clockTimestampMicros(),
  timeofday: (_a, call) => timeofday(call.ctx),
  date_pli: ([d, n]) => {
    const days = num(d);
    if (!Number.isFinite(days)) return days;
    const result = days + num(n);
    if (!isValidDate(result)) throw new PgError('22008', 'date out of range');
    return result;
  },
  'integer_pl_date(int4,date)': ([n, d]) => datetimeImpls['date_pli']!(asArgs([d, n]), undefined as unknown as Call),
  date_mii: ([d, n]) => {
    const days = num(d);
    if (!Number.isFinite(days)) return days;
    const result = days - num(n);
    if (!isValidDate(result)) throw new PgError('22008', 'date out of range');
    return result;
  },
  date_mi: ([a, b]) => {
    if (!Number.isFinite(num(a)) || !Number.isFinite(num(b))) throw new PgError('22008', 'cannot subtract infinite dates');
    return num(a) - num(b);
  },
  date_pl_interval: ([d, i]) => timestampPlusInterval(dateToTimestamp(num(d)), iv(i)),
  'interval_pl_date(interval,date)': ([i, d]) => timestampPlusInterval(dateToTimestamp(num(d)), iv(i)),
  date_mi_interval: ([d, i]) => timestampPlusInterval(dateToTimestamp(num(d)), intervalNegate(iv(i))),
  datetime_timestamp: ([d, t]) => {
    const base = dateToTimestamp(num(d));
    if (isInfiniteTimestamp(base)) return base;
    const result = base + big(t);
    if (!isValidTimestamp(result)) throw timestampOutOfRange();
    return result;
  },
  'timedate_pl(time,date)': ([t, d]) => datetimeImpls['datetime_timestamp']!(asArgs([d, t]), undefined as unknown as Call),
  'timestamptz(date,time)': ([d, t], call) => timestampToTimestamptz(datetimeImpls['datetime_timestamp']!(asArgs([d, t]), call) as bigint, call.ctx),
  time_pl_interval: ([t, i]) => floorMod(big(t) + iv(i).micros, MICROS_PER_DAY),
  'interval_pl_time(interval,time)': ([i, t]) => floorMod(big(t) + iv(i).micros, MICROS_PER_DAY),
  time_mi_interval: ([t, i]) => floorMod(big(t) - iv(i).micros, MICROS_PER_DAY),
  time_mi_time: ([a, b]): Interval => ({ months: 0, days: 0, micros: big(a) - big(b) }),
  timestamp_pl_interval: ([t, i]) => timestampPlusInterval(big(t), iv(i)),
  'interval_pl_timestamp(interval,timestamp)': ([i, t]) => timestampPlusInterval(big(t), iv(i)),
  timestamp_mi_interval: ([t, i]) => timestampPlusInterval(big(t), intervalNegate(iv(i))),
  timestamptz_pl_interval: ([t, i], call) => timestamptzPlusInterval(big(t), iv(i), call.ctx.timeZone),
  'interval_pl_timestamptz(interval,timestamptz)': ([i, t], call) => timestamptzPlusInterval(big(t), iv(i), call.ctx.timeZone),
  timestamptz_mi_interval: ([t, i], call) => timestamptzPlusInterval(big(t), intervalNegate(iv(i)), call.ctx.timeZone),
  timestamp_mi: ([a, b]) => timestampDifference(big(a), big(b)),
  interval_pl: ([a, b]) => intervalAdd(iv(a), iv(b)),
  interval_mi: ([a, b]) => intervalSub(iv(a), iv(b)),
  interval_um: ([a]) => intervalNegate(iv(a)),
  interval_mul: ([a, f]) => intervalMultiply(iv(a), num(f)),
  mul_d_interval: ([f, a]) => intervalMultiply(iv(a), num(f)),
  interval_div: ([a, f]) => intervalDivide(iv(a), num(f)),
  interval_justify_days: ([a]) => justifyDays(iv(a)),
  interval_justify_hours: ([a]) => justifyHours(iv(a)),
  interval_justify_interval: ([a]) => justifyInterval(iv(a)),
  timestamp_age: ([a, b]) => age(big(a), big(b)),
  timestamptz_age: ([a, b], call) => age(timestamptzToTimestamp(big(a), call.ctx), timestamptzToTimestamp(big(b), call.ctx)),
  'age(timestamp)': ([t], call) => {
    const today = floorDiv(timestamptzToTimestamp(call.ctx.transactionTimestampMicros, call.ctx), MICROS_PER_DAY) * MICROS_PER_DAY;
    return age(today, big(t));
  },
  'age(timestamptz)': ([t], call) => {
    const today = floorDiv(timestamptzToTimestamp(call.ctx.transactionTimestampMicros, call.ctx), MICROS_PER_DAY) * MICROS_PER_DAY;
    return age(today, timestamptzToTimestamp(big(t), call.ctx));
  },
  timestamp_trunc: ([u, t]) => truncateLocal(txt(u), big(t), 'timestamp without time zone'),
  timestamptz_trunc: ([u, t], call) => truncateTimestamptz(txt(u), big(t), call.ctx.timeZone),
  timestamptz_trunc_zone: ([u, t, z]) => truncateTimestamptz(txt(u), big(t), zoneByName(txt(z))),
  interval_trunc: ([u, i]) => truncateInterval(txt(u), iv(i)),
  extract_timestamp: ([u, t]) => extractLocal(txt(u), big(t), 'timestamp without time zone'),
  extract_timestamptz: ([u, t], call) => {
    const utc = big(t);
    if (isInfiniteTimestamp(utc)) return extractLocal(txt(u), utc, 'timestamp with time zone', 0);
    const { localMicros, offsetSeconds } = toLocal(utc, call.ctx.timeZone);
    return extractLocal(txt(u), localMicros, 'timestamp with time zone', offsetSeconds);
  },
  extract_date: ([u, d]) => extractDate(txt(u), num(d)),
  extract_time: ([u, t]) => extractTime(txt(u), big(t)),
  extract_interval: ([u, i]) => extractInterval(txt(u), iv(i)),
  timestamp_part: ([u, t]) => toFloat(extractLocal(txt(u), big(t), 'timestamp without time zone')),
  timestamptz_part: ([u, t], call) => toFloat(datetimeImpls['extract_timestamptz']!(asArgs([u, t]), call) as Decimal | null),
  'date_part(text,date)': ([u, d]) => {
    // date_part(text, date) is date_part(text, timestamp) on the date's midnight.
    return toFloat(extractLocal(txt(u), dateToTimestamp(num(d)), 'timestamp without time zone'));
  },
  time_part: ([u, t]) => toFloat(extractTime(txt(u), big(t))),
  interval_part: ([u, i]) => toFloat(extractInterval(txt(u), iv(i))),
  make_date: ([y, m, d]) => makeDate(num(y), num(m), num(d)),
  make_time: ([h, m, s]) => makeTimeMicros(num(h), num(m), num(s)),
  make_timestamp: ([y, mo, d, h, mi, s]) => makeTimestamp(num(y), num(mo), num(d), num(h), num(mi), num(s)),
  make_timestamptz: ([y, mo, d, h, mi, s], call) => timestampToTimestamptz(makeTimestamp(num(y), num(mo), num(d), num(h), num(mi), num(s)), call.ctx),
  make_timestamptz_at_timezone: ([y, mo, d, h, mi, s, z]) => atZoneFromLocal(makeTimestamp(num(y), num(mo), num(d), num(h), num(mi), num(s)), zoneByName(txt(z))),
  make_interval: (args) => makeInterval(args),
  date_finite: ([d]) => Number.isFinite(num(d)),
  interval_finite: () => true,
  timestamp_finite: ([t]) => !isInfiniteTimestamp(big(t)),
  timestamptz_zone: ([z, t]) => atZoneFromUtc(big(t), zoneByName(txt(z))),
  timestamp_zone: ([z, t]) => atZoneFromLocal(big(t), zoneByName(txt(z))),
  timestamptz_izone: ([i, t]) => atZoneFromUtc(big(t), zoneOfInterval(iv(i))),
  timestamp_izone: ([i, t]) => atZoneFromLocal(big(t), zoneOfInterval(iv(i))),
  timestamp_bin: ([s, t, o]) => dateBin(iv(s), big(t), big(o)),
  timestamptz_bin: ([s, t, o]) => dateBin(iv(s), big(t), big(o)),
  overlaps_timestamp: (args) => overlaps(args[0] as bigint | null, args[1] as bigint | null, args[2] as bigint | null, args[3] as bigint | null),
  overlaps_time: (args) => overlaps(args[0] as bigint | null, args[1] as bigint | null, args[2] as bigint | null, args[3] as bigint | null),
  'overlaps(timestamp,interval,timestamp,interval)': (a) => overlaps(a[0] as bigint | null, plusInterval(a[0] as bigint | null, a[1] as Interval | null), a[2] as bigint | null, plusInterval(a[2] as bigint | null, a[3] as Interval | null)),
  'overlaps(timestamp,interval,timestamp,timestamp)': (a) => overlaps(a[0] as bigint | null, plusInterval(a[0] as bigint | null, a[1] as Interval | null), a[2] as bigint | null, a[3] as bigint | null),
  'overlaps(timestamp,timestamp,timestamp,interval)': (a) => overlaps(a[0] as bigint | null, a[1] as bigint | null, a[2] as bigint | null, plusInterval(a[2] as bigint | null, a[3] as Interval | null)),
  'overlaps(timestamptz,interval,timestamptz,interval)': (a, call) => overlaps(a[0] as bigint | null, tzPlus(a[0], a[1], call), a[2] as bigint | null, tzPlus(a[2], a[3], call)),
  'overlaps(timestamptz,interval,timestamptz,timestamptz)': (a, call) => overlaps(a[0] as bigint | null, tzPlus(a[0], a[1], call), a[2] as bigint | null, a[3] as bigint | null),
  'overlaps(timestamptz,timestamptz,timestamptz,interval)': (a, call) => overlaps(a[0] as bigint | null, a[1] as bigint | null, a[2] as bigint | null, tzPlus(a[2], a[3], call)),
  'overlaps(time,interval,time,interval)': (a) => timeOverlaps(a, [true, true]),
  'overlaps(time,interval,time,time)': (a) => timeOverlaps(a, [true, false]),
  'overlaps(time,time,time,interval)': (a) => timeOverlaps(a, [false, true]),
  float8_timestamptz: ([f]) => {
    const seconds = num(f);
    if (Number.isNaN(seconds)) throw new PgError('22008', 'timestamp cannot be NaN');
    if (seconds === Infinity) return TIMESTAMP_INFINITY_MICROS;
    if (seconds === -Infinity) return TIMESTAMP_MINUS_INFINITY_MICROS;
    const micros = BigInt(rint(seconds * 1e6));
    if (!isValidTimestamp(micros)) throw new PgError('22008', `timestamp out of range: "${formatG(seconds)}"`);
    return micros;
  },
  timestamp_date: ([t]) => timestampToDate(big(t)),
};

function tzPlus(t: unknown, span: unknown, call: Call): bigint | null {
  if (t === null || span === null) return null;
  return timestamptzPlusInterval(t as bigint, span as Interval, call.ctx.timeZone);
}

