/**
 * interval text input (PostgreSQL's verbose format, SQL-standard `1-2` and `3 4:05:06`, and
 * ISO 8601 `P1Y2M3DT4H5M6S`) and output in IntervalStyle postgres (`1 year 2 mons 3 days
 * 04:05:06`), following DecodeInterval, DecodeISO8601Interval and EncodeInterval of PostgreSQL's
 * datetime.c.
 */
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { PgError } from '../../errors/pg-error.js';
import { INTERVAL_FULL_PRECISION, INTERVAL_FULL_RANGE, IntervalField, intervalPrecision, intervalRange } from '../typmod.js';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND } from './calendar.js';
import { rint } from './parse-datetime.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The interval's broken-down fields while parsing (pg_itm_in). Years are kept apart from months,
 * as PostgreSQL does: each must fit an int32, and only their total in months decides whether the
 * interval is in range ("interval out of range" rather than a field overflow).
 */
interface Accumulator {
  years: number;
  months: number;
  days: number;
  micros: bigint;
}

class IntervalParseFailure {
  constructor(readonly reason: 'format' | 'field') {}
}

const fail = (reason: 'format' | 'field'): never => {
  throw new IntervalParseFailure(reason);
};

type Unit = 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'decade' | 'century' | 'millennium';

const units = new Map<string, Unit | 'ago'>();
const unitNames: [Unit, string[]][] = [
  ['microsecond', ['microsecond', 'microseconds', 'microsecon', 'us', 'usec', 'usecs', 'useconds']],
  ['millisecond', ['millisecond', 'milliseconds', 'millisecon', 'ms', 'msec', 'msecs', 'mseconds']],
  ['second', ['second', 'seconds', 's', 'sec', 'secs']],
  ['minute', ['minute', 'minutes', 'm', 'min', 'mins']],
  ['hour', ['hour', 'hours', 'h', 'hr', 'hrs']],
  ['day', ['day', 'days', 'd']],
  ['week', ['week', 'weeks', 'w']],
  ['month', ['month', 'months', 'mon', 'mons']],
  ['year', ['year', 'years', 'y', 'yr', 'yrs']],
  ['decade', ['decade', 'decades', 'dec', 'decs']],
  ['century', ['century', 'centuries', 'c', 'cent']],
  ['millennium', ['millennium', 'millennia', 'mil', 'mils']],
];
for (const [unit, names] of unitNames) for (const name of names) units.set(name, unit);
units.set('ago', 'ago');

function addMonths(acc: Accumulator, months: number): void {
  const sum = acc.months + months;
  if (!Number.isSafeInteger(sum) || sum < INT32_MIN || sum > INT32_MAX) fail('field');
  acc.months = sum;
}

function addDays(acc: Accumulator, days: number): void {
  const sum = acc.days + days;
  if (!Number.isSafeInteger(sum) || sum < INT32_MIN || sum > INT32_MAX) fail('field');
  acc.days = sum;
}

function addMicros(acc: Accumulator, micros: bigint): void {
  const sum = acc.micros + micros;
  if (sum < INT64_MIN || sum > INT64_MAX) fail('field');
  acc.micros = sum;
}

/** AdjustFractMicroseconds: a fraction of a unit of `scale` microseconds, rounded. */
function addFractionMicros(acc: Accumulator, fraction: number, scale: number): void {
  if (fraction === 0) return;
  const value = fraction * scale;
  let micros = Math.trunc(value);
  const rest = value - micros;
  if (rest > 0.5) micros++;
  else if (rest < -0.5) micros--;
  addMicros(acc, BigInt(micros));
}

/** AdjustFractDays: a fraction of `scale` days, whole days first. */
function addFractionDays(acc: Accumulator, fraction: number, scale: number): void {
  if (fraction === 0) return;
  const value = fraction * scale;
  const days = Math.trunc(value);
  addDays(acc, days);
  addFractionMicros(acc, value - days, Number(MICROS_PER_DAY));
}

function addUnit(acc: Accumulator, unit: Unit, whole: bigint, fraction: number): void {
  const times = (n: bigint, factor: bigint): bigint => {
    const product = n * factor;
    if (product < INT64_MIN || product > INT64_MAX) fail('field');
    return product;
  };
  const small = (n: bigint, factor: number): number => {
    const product = Number(n) * factor;
    if (!Number.isSafeInteger(product) || product < INT32_MIN || product > INT32_MAX) fail('field');
    return product;
  };
  switch (unit) {
    case 'microsecond':
      addMicros(acc, whole);
      addFractionMicros(acc, fraction, 1);
      return;
    case 'millisecond':
      addMicros(acc, times(whole, 1000n));
      addFractionMicros(acc, fraction, 1000);
      return;
    case 'second':
      addMicros(acc, times(whole, MICROS_PER_SECOND));
      addFractionMicros(acc, fraction, 1e6);
      return;
    case 'minute':
      addMicros(acc, times(whole, MICROS_PER_MINUTE));
      addFractionMicros(acc, fraction, 6e7);
      return;
    case 'hour':
      addMicros(acc, times(whole, MICROS_PER_HOUR));
      addFractionMicros(acc, fraction, 3.6e9);
      return;
    case 'day':
      addDays(acc, small(whole, 1));
      addFractionMicros(acc, fraction, Number(MICROS_PER_DAY));
      return;
    case 'week':
      addDays(acc, small(whole, 7));
      addFractionDays(acc, fraction, 7);
      return;
    case 'month':
      addMonths(acc, small(whole, 1));
      addFractionDays(acc, fraction, 30);
      return;
    case 'year':
    case 'decade':
    case 'century':
    case 'millennium': {
      const years = unit === 'year' ? 1 : unit === 'decade' ? 10 : unit === 'century' ? 100 : 1000;
      const sum = acc.years + small(whole, years);
      if (sum < INT32_MIN || sum > INT32_MAX) fail('field');
      acc.years = sum;
      // AdjustFractYears: fractional years become whole months, rounded.
      if (fraction !== 0) addMonths(acc, rint(fraction * years * 12));
      return;
    }
  }
}

const fieldBit: Record<Unit, number> = {
  microsecond: 1,
  millisecond: 2,
  second: 4,
  minute: 8,
  hour: 16,
  day: 32,
  week: 64,
  month: 128,
  year: 256,
  decade: 512,
  century: 1024,
  millennium: 2048,
};
const allSecondsMask = fieldBit.second | fieldBit.millisecond | fieldBit.microsecond;

type Token = { kind: 'number' | 'time' | 'word' | 'signed'; text: string };

/** Splits interval input into fields as ParseDateTime does. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const alpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
  while (i < n) {
    const c = input[i] as string;
    if (digit(c)) {
      let text = '';
      while (digit(input[i])) text += input[i++];
      const next = input[i];
      if (next === ':') {
        while (digit(input[i]) || input[i] === ':' || input[i] === '.') text += input[i++];
        tokens.push({ kind: 'time', text });
      } else if (next === '-' || next === '/' || next === '.') {
        // 1-2 (years-months), 1.5, and date-like runs such as 1/2 or 1-2-3 that only the
        // number decoding can reject.
        const delimiter = next;
        text += input[i++];
        if (digit(input[i])) {
          while (digit(input[i])) text += input[i++];
          if (input[i] === delimiter) while (digit(input[i]) || input[i] === delimiter) text += input[i++];
        } else {
          while (alpha(input[i]) || digit(input[i]) || input[i] === delimiter) text += input[i++];
        }
        tokens.push({ kind: 'number', text });
      } else {
        tokens.push({ kind: 'number', text });
      }
    } else if (c === '.') {
      let text = c;
      i++;
      while (digit(input[i])) text += input[i++];
      tokens.push({ kind: 'number', text });
    } else if (alpha(c)) {
      let text = '';
      while (alpha(input[i])) text += (input[i++] as string).toLowerCase();
      // A word running into a date-like separator is no unit.
      if (input[i] === '-' || input[i] === '/' || input[i] === '.') fail('format');
      tokens.push({ kind: 'word', text });
    } else if (c === '+' || c === '-') {
      let text = c;
      i++;
      while (input[i] === ' ' || input[i] === '\t' || input[i] === '\n' || input[i] === '\r') i++;
      if (!digit(input[i])) fail('format');
      while (digit(input[i]) || input[i] === '.' || input[i] === ':' || input[i] === '-') text += input[i++];
      tokens.push({ kind: 'signed', text });
    } else if (/\s/.test(c) || /[!-/:-@[-`{-~]/.test(c)) {
      // Other punctuation separates fields and is otherwise ignored.
      i++;
    } else {
      fail('format');
    }
  }
  return tokens;
}

/** The unit a bare number means under an interval's field restriction (DecodeInterval). */
function defaultUnit(range: number): Unit {
  const F = IntervalField;
  switch (range) {
    case F.year:
      return 'year';
    case F.month:
    case F.year | F.month:
      return 'month';
    case F.day:
      return 'day';
    case F.hour:
    case F.day | F.hour:
      return 'hour';
    case F.minute:
    case F.hour | F.minute:
    case F.day | F.hour | F.minute:
      return 'minute';
    default:
      return 'second';
  }
}

/** h:m, h:m:s, h:m:s.f, and m:s.f under MINUTE TO SECOND, to microseconds (unsigned). */
function timeMicros(text: string, range: number): bigint {
  const match = /^(\d+):(\d*)(?::(\d*))?(\.\d*)?$/.exec(text);
  if (match === null) fail('format');
  const [, a, b, c, fraction] = match as RegExpExecArray;
  let hours = BigInt(a as string);
  let minutes = BigInt(b as string);
  let seconds = BigInt(c ?? '0');
  const minuteToSecond = range === (IntervalField.minute | IntervalField.second);
  if (c === undefined && (fraction !== undefined || minuteToSecond)) {
    seconds = minutes;
    minutes = hours;
    hours = 0n;
  }
  if (minutes > 59n || seconds > 60n) fail('field');
  const fractionMicros = fraction === undefined ? 0 : rint(Number(`0${fraction}`) * 1e6);
  return ((hours * 60n + minutes) * 60n + seconds) * MICROS_PER_SECOND + BigInt(fractionMicros);
}

function decodeVerbose(input: string, range: number): Accumulator {
  const tokens = tokenize(input);
  if (tokens.length === 0) fail('format');
  const acc: Accumulator = { years: 0, months: 0, days: 0, micros: 0n };
  // The unit for the next number read; 'ago' leaves none, so '1 ago' is rejected as in PG.
  let pending: Unit | 'none' | undefined;
  let ago = false;
  // Which fields have been given (DecodeInterval's fmask): each field may appear once, a time
  // h:m:s claims hour, minute and all the seconds fields, and fractional seconds claim the
  // millisecond and microsecond fields too.
  let fieldMask = 0;
  const claim = (mask: number): void => {
    if ((fieldMask & mask) !== 0) fail('format');
    fieldMask |= mask;
  };
  let sawValue = false;
  // Read backwards so that units come before the numbers they qualify.
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] as Token;
    if (token.kind === 'word') {
      const unit = units.get(token.text);
      if (unit === undefined) fail('format');
      if (unit === 'ago') {
        ago = true;
        pending = 'none';
      } else {
        pending = unit;
      }
      continue;
    }
    if (token.kind === 'time' || (token.kind === 'signed' && token.text.includes(':'))) {
      const negative = token.text.startsWith('-');
      const text = token.kind === 'signed' ? token.text.slice(1) : token.text;
      claim(fieldBit.hour | fieldBit.minute | allSecondsMask);
      const micros = timeMicros(text, range);
      addMicros(acc, negative ? -micros : micros);
      pending = 'day';
      sawValue = true;
      continue;
    }
    const text = token.text;
    // strtol reads "1-" as one year and no months.
    const yearMonth = /^([+-]?)(\d+)-(\d*)$/.exec(text);
    if (yearMonth !== null) {
      const [, sign, y, m] = yearMonth as RegExpExecArray;
      const monthsPart = Number(m);
      if (monthsPart >= 12) fail('field');
      const total = Number(y) * 12 + monthsPart;
      if (!Number.isSafeInteger(total) || total > INT32_MAX) fail('field');
      claim(fieldBit.month);
      addMonths(acc, sign === '-' ? -total : total);
      pending = 'month';
      sawValue = true;
      continue;
    }
    const unit = pending ?? defaultUnit(range);
    if (unit === 'none') throw new IntervalParseFailure('format');
    const match = /^([+-]?)(\d*)(\.\d*)?$/.exec(text);
    if (match === null || (match[2] === '' && match[3] === undefined)) fail('format');
    const [, sign, whole, fraction] = match as RegExpExecArray;
    const negative = sign === '-';
    let wholeValue = BigInt(whole === '' ? '0' : (whole as string));
    if (wholeValue > INT64_MAX) fail('field');
    let fractionValue = fraction === undefined ? 0 : Number(`0${fraction}`);
    if (negative) {
      wholeValue = -wholeValue;
      fractionValue = -fractionValue;
    }
    claim(unit === 'second' && fractionValue !== 0 ? allSecondsMask : fieldBit[unit]);
    addUnit(acc, unit, wholeValue, fractionValue);
    sawValue = true;
    // As in DecodeInterval, the unit carries over to a following bare number; after hours it
    // becomes days, so '1 2:00' reads as one day and two hours.
    pending = unit === 'hour' ? 'day' : unit;
  }
  if (!sawValue) fail('format');
  if (ago) {
    acc.years = -acc.years;
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
    if (acc.micros > INT64_MAX) fail('field');
  }
  return acc;
}

/** ISO 8601 durations: P1Y2M3W4DT5H6M7.5S and the alternative P0001-02-03T04:05:06. */
function decodeIso8601(input: string): Accumulator {
  const acc: Accumulator = { years: 0, months: 0, days: 0, micros: 0n };
  let rest = input.slice(1);
  if (rest === '') fail('format');
  let inTime = false;
  while (rest !== '') {
    if (rest[0] === 'T') {
      if (inTime) fail('format');
      inTime = true;
      rest = rest.slice(1);
      if (rest === '') fail('format');
      continue;
    }
    const alternative = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(rest);
    if (!inTime && alternative !== null && !/^\d+(\.\d+)?[YMWD]/.test(rest)) {
      acc.years += Number(alternative[1]);
      addMonths(acc, Number(alternative[2]));
      addDays(acc, Number(alternative[3]));
      rest = rest.slice(alternative[0].length);
      continue;
    }
    const timeAlternative = /^(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?$/.exec(rest);
    if (inTime && timeAlternative !== null) {
      addUnit(acc, 'hour', BigInt(timeAlternative[1] as string), 0);
      addUnit(acc, 'minute', BigInt(timeAlternative[2] as string), 0);
      addUnit(acc, 'second', BigInt(timeAlternative[3] as string), Number(`0${timeAlternative[4] ?? ''}`));
      rest = '';
      continue;
    }
    const match = /^([+-]?)(\d*)(\.\d*)?([A-Za-z])/.exec(rest);
    if (match === null || (match[2] === '' && match[3] === undefined)) fail('format');
    const [all, sign, whole, fraction, designator] = match as RegExpExecArray;
    const negative = sign === '-';
    const w = BigInt(whole === '' ? '0' : (whole as string)) * (negative ? -1n : 1n);
    const f = (fraction === undefined ? 0 : Number(`0${fraction}`)) * (negative ? -1 : 1);
    const d = (designator as string).toUpperCase();
    const unit: Unit | undefined = inTime
      ? ({ H: 'hour', M: 'minute', S: 'second' } as Record<string, Unit>)[d]
      : ({ Y: 'year', M: 'month', W: 'week', D: 'day' } as Record<string, Unit>)[d];
    if (unit === undefined) fail('format');
    addUnit(acc, unit as Unit, w, f);
    rest = rest.slice(all.length);
  }
  return acc;
}

/** AdjustIntervalForTypmod: drops fields below the declared range and rounds the seconds. */
export function applyIntervalTypmod(value: Interval, typmod: number): Interval {
  if (typmod < 0) return value;
  const range = intervalRange(typmod);
  const precision = intervalPrecision(typmod);
  const F = IntervalField;
  let { months, days, micros } = value;
  const truncate = (unit: bigint): bigint => (micros / unit) * unit;
  switch (range) {
    case INTERVAL_FULL_RANGE:
      break;
    case F.year:
      months = Math.trunc(months / 12) * 12;
      days = 0;
      micros = 0n;
      break;
    case F.month:
    case F.year | F.month:
      days = 0;
      micros = 0n;
      break;
    case F.day:
      micros = 0n;
      break;
    case F.hour:
    case F.day | F.hour:
      micros = truncate(MICROS_PER_HOUR);
      break;
    case F.minute:
    case F.day | F.hour | F.minute:
    case F.hour | F.minute:
      micros = truncate(MICROS_PER_MINUTE);
      break;
    default:
      break;
  }
  if (precision !== INTERVAL_FULL_PRECISION && precision < 6) {
    const scale = 10n ** BigInt(6 - precision);
    const half = scale / 2n;
    micros = micros >= 0n ? ((micros + half) / scale) * scale : -(((-micros + half) / scale) * scale);
  }
  return { months, days, micros };
}

export function parseInterval(text: string, typmod: number): Interval {
  const trimmed = text.trim();
  const range = intervalRange(typmod);
  let acc: Accumulator;
  try {
    acc = /^P/i.test(trimmed) && !/^P\s/i.test(trimmed) ? decodeIso8601(trimmed.toUpperCase()) : decodeVerbose(trimmed, range);
  } catch (err) {
    if (err instanceof IntervalParseFailure) {
      if (err.reason === 'field') throw new PgError('22015', `interval field value out of range: "${text}"`);
      throw new PgError('22007', `invalid input syntax for type interval: "${text}"`);
    }
    throw err;
  }
  const months = acc.years * 12 + acc.months;
  if (months < INT32_MIN || months > INT32_MAX) throw new PgError('22008', 'interval out of range');
  return applyIntervalTypmod({ months, days: acc.days, micros: acc.micros }, typmod);
}

/** IntervalStyle postgres output (EncodeInterval, INTSTYLE_POSTGRES). */
export function formatInterval(value: Interval): string {
  const year = Math.trunc(value.months / 12);
  const month = value.months % 12;
  const parts: string[] = [];
  let isBefore = false;
  let isZero = true;
  const add = (n: number, unit: string): void => {
    if (n === 0) return;
    parts.push(`${isBefore && n > 0 ? '+' : ''}${n} ${unit}${n !== 1 ? 's' : ''}`);
    isBefore = n < 0;
    isZero = false;
  };
  add(year, 'year');
  add(month, 'mon');
  add(value.days, 'day');
  let time = value.micros;
  const hour = time / MICROS_PER_HOUR;
  time -= hour * MICROS_PER_HOUR;
  const minute = time / MICROS_PER_MINUTE;
  time -= minute * MICROS_PER_MINUTE;
  const second = time / MICROS_PER_SECOND;
  const fraction = time - second * MICROS_PER_SECOND;
  if (isZero || value.micros !== 0n) {
    const minus = value.micros < 0n;
    const abs = (n: bigint): bigint => (n < 0n ? -n : n);
    const sign = minus ? '-' : isBefore ? '+' : '';
    let seconds = String(abs(second)).padStart(2, '0');
    if (fraction !== 0n) seconds += `.${String(abs(fraction)).padStart(6, '0').replace(/0+$/, '')}`;
    parts.push(`${sign}${String(abs(hour)).padStart(2, '0')}:${String(abs(minute)).padStart(2, '0')}:${seconds}`);
  }
  return parts.join(' ');
}
