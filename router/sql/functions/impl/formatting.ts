/**
 * Data type formatting functions (manual 9.8): to_char for date/time values, intervals and
 * numbers, to_date, to_timestamp and to_number, following PostgreSQL's formatting.c (template
 * patterns, the FM, TH and FX modifiers, and its numeric layout rules) in the C locale.
 */
import { Decimal } from 'decimal.js';
import type { Interval } from '../../../../storage/key-codec/datum.js';
import { PgError } from '../../errors/pg-error.js';
import { isInfiniteTimestamp } from '../../types/conversions.js';
import {
  civilFromDays, dayOfWeek, dayOfYear, daysFromCivil, daysInMonth, floorDiv, floorMod, isoWeek, isoYearStart,
  isValidTimestamp, MICROS_PER_DAY, UNIX_EPOCH_JULIAN_DAY,
} from '../../types/datetime/calendar.js';
import { fromLocal, toLocal } from '../../types/datetime/datetime-io.js';
import type { TimeZone } from '../../types/datetime/time-zone.js';
import { printfFixed } from '../../types/io/float-exact.js';
import { formatNumeric, numeric, roundToScale } from '../../types/numeric-value.js';
import type { Call, ScalarImpl } from '../function-types.js';
import { asciiLower, asciiUpper } from './text-funcs.js';

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const romanMonths = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** Date/time template patterns, longest first so that HH24 wins over HH and MONTH over MON. */
const dateKeywords = [
  'A.D.', 'A.M.', 'AD', 'AM', 'B.C.', 'BC', 'CC', 'DAY', 'DDD', 'DD', 'DY', 'D', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6',
  'FX', 'HH24', 'HH12', 'HH', 'IDDD', 'ID', 'IW', 'IYYY', 'IYY', 'IY', 'I', 'J', 'MI', 'MM', 'MONTH', 'MON', 'MS', 'OF',
  'P.M.', 'PM', 'Q', 'RM', 'SSSSS', 'SSSS', 'SS', 'TZH', 'TZM', 'TZ', 'US', 'WW', 'W', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y',
];

type DateNode =
  | { kind: 'field'; key: string; text: string; fillMode: boolean; suffix: '' | 'th' | 'TH' }
  | { kind: 'literal'; text: string };

const dateFormatCache = new Map<string, DateNode[]>();

/** Splits a date/time template into patterns and literal text. */
function parseDateFormat(format: string): DateNode[] {
  const hit = dateFormatCache.get(format);
  if (hit !== undefined) return hit;
  const nodes: DateNode[] = [];
  let i = 0;
  let fillMode = false;
  while (i < format.length) {
    const rest = format.slice(i);
    if (/^FM/i.test(rest)) {
      fillMode = true;
      i += 2;
      continue;
    }
    if (/^(FX|TM)/i.test(rest)) {
      i += 2;
      continue;
    }
    const upper = rest.toUpperCase();
    const key = dateKeywords.find((k) => upper.startsWith(k));
    if (key !== undefined) {
      const text = rest.slice(0, key.length);
      i += key.length;
      let suffix: '' | 'th' | 'TH' = '';
      if (format.slice(i, i + 2) === 'th') suffix = 'th';
      else if (format.slice(i, i + 2) === 'TH') suffix = 'TH';
      if (suffix !== '') i += 2;
      nodes.push({ kind: 'field', key, text, fillMode, suffix });
      fillMode = false;
      continue;
    }
    const c = format[i] as string;
    if (c === '"') {
      let text = '';
      i++;
      while (i < format.length && format[i] !== '"') {
        if (format[i] === '\\' && i + 1 < format.length) i++;
        text += format[i++];
      }
      i++;
      nodes.push({ kind: 'literal', text });
      continue;
    }
    if (c === '\\' && i + 1 < format.length && format[i + 1] === '"') {
      nodes.push({ kind: 'literal', text: '"' });
      i += 2;
      continue;
    }
    nodes.push({ kind: 'literal', text: c });
    i++;
  }
  if (dateFormatCache.size > 256) dateFormatCache.clear();
  dateFormatCache.set(format, nodes);
  return nodes;
}

/** The case of a pattern's letters decides the case of names: MONTH, Month or month. */
function caseLike(pattern: string, name: string): string {
  const letters = pattern.replace(/[^A-Za-z]/g, '');
  if (letters === asciiUpper(letters)) return asciiUpper(name);
  if (letters[0] === asciiUpper(letters[0] ?? '') && letters.slice(1) === asciiLower(letters.slice(1))) return name;
  return asciiLower(name);
}

function ordinal(n: number, upper: boolean): string {
  const abs = Math.abs(n);
  const lastTwo = abs % 100;
  let suffix = 'th';
  if (lastTwo < 11 || lastTwo > 13) {
    const last = abs % 10;
    suffix = last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th';
  }
  return upper ? suffix.toUpperCase() : suffix;
}

/** The broken-down value to_char formats: a timestamp's fields, or an interval's. */
interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  /** Days since 1970 (undefined for intervals). */
  readonly days?: number;
  readonly offsetSeconds?: number;
  readonly zoneAbbreviation?: string;
  readonly interval: boolean;
}

/** printf("%0*d"): the width counts the sign; FM drops the padding. */
function pad(n: number, width: number, fillMode: boolean): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(n));
  return sign + (fillMode ? digits : digits.padStart(width - sign.length, '0'));
}

function formatField(node: Extract<DateNode, { kind: 'field' }>, f: Fields): string {
  const { key, fillMode } = node;
  // The 12-hour clock, for intervals too (hour % 12 keeps the sign, as C's does).
  const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const adjustedYear = f.interval ? f.year : f.year <= 0 ? 1 - f.year : f.year;
  const bc = !f.interval && f.year <= 0;
  const days = f.days ?? 0;
  let number: number | undefined;
  let text: string;
  switch (key) {
    // A negative interval field gets one more digit of width for its sign.
    case 'HH':
    case 'HH12':
      number = hour12;
      text = pad(number, f.hour >= 0 ? 2 : 3, fillMode);
      break;
    case 'HH24':
      number = f.hour;
      text = pad(number, f.hour >= 0 ? 2 : 3, fillMode);
      break;
    case 'MI':
      number = f.minute;
      text = pad(number, f.minute >= 0 ? 2 : 3, fillMode);
      break;
    case 'SS':
      number = f.second;
      text = pad(number, f.second >= 0 ? 2 : 3, fillMode);
      break;
    // Fractions of a second keep their width under FM.
    case 'MS':
      number = Math.trunc(f.micros / 1000);
      text = pad(number, 3, false);
      break;
    case 'US':
      number = f.micros;
      text = pad(number, 6, false);
      break;
    case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
      const digits = Number(key[2]);
      number = Math.trunc(f.micros / 10 ** (6 - digits));
      text = pad(number, digits, false);
      break;
    }
    case 'SSSS':
    case 'SSSSS':
      number = f.hour * 3600 + f.minute * 60 + f.second;
      text = String(number);
      break;
    case 'AM': case 'PM':
      return f.hour >= 12 ? (node.text === node.text.toUpperCase() ? 'PM' : 'pm') : node.text === node.text.toUpperCase() ? 'AM' : 'am';
    case 'A.M.': case 'P.M.':
      return f.hour >= 12 ? (node.text === node.text.toUpperCase() ? 'P.M.' : 'p.m.') : node.text === node.text.toUpperCase() ? 'A.M.' : 'a.m.';
    case 'AD': case 'BC':
      return node.text === node.text.toUpperCase() ? (bc ? 'BC' : 'AD') : bc ? 'bc' : 'ad';
    case 'A.D.': case 'B.C.':
      return node.text === node.text.toUpperCase() ? (bc ? 'B.C.' : 'A.D.') : bc ? 'b.c.' : 'a.d.';
    case 'Y,YYY': {
      const thousands = Math.trunc(adjustedYear / 1000);
      text = `${thousands},${pad(adjustedYear - thousands * 1000, 3, false)}`;
      number = adjustedYear;
      break;
    }
    case 'YYYY': case 'YYY': case 'YY': case 'Y':
    case 'IYYY': case 'IYY': case 'IY': case 'I': {
      const year = key.startsWith('I') ? isoWeek(days).isoYear : adjustedYear;
      const width = key.length;
      number = width === 4 ? year : year % 10 ** width;
      text = width === 1 ? String(number) : pad(number, year >= 0 ? width : width + 1, fillMode);
      break;
    }
    case 'MONTH': {
      if (f.month < 1) return '';
      const name = caseLike(node.text, monthNames[f.month - 1] as string);
      return fillMode ? name : name.padEnd(9, ' ');
    }
    case 'MON':
      if (f.month < 1) return '';
      return caseLike(node.text, (monthNames[f.month - 1] as string).slice(0, 3));
    case 'MM':
      number = f.month;
      text = pad(number, f.month >= 0 ? 2 : 3, fillMode);
      break;
    case 'DAY': {
      const name = caseLike(node.text, dayNames[dayOfWeek(days)] as string);
      return fillMode ? name : name.padEnd(9, ' ');
    }
    case 'DY':
      return caseLike(node.text, (dayNames[dayOfWeek(days)] as string).slice(0, 3));
    case 'DDD':
      // For an interval, the approximate total span in days.
      number = f.interval ? (f.year * 12 + f.month) * 30 + f.day : dayOfYear(days);
      text = pad(number, 3, fillMode);
      break;
    case 'IDDD':
      number = days - isoYearStart(isoWeek(days).isoYear) + 1;
      text = pad(number, 3, fillMode);
      break;
    case 'DD':
      number = f.day;
      text = pad(number, 2, fillMode);
      break;
    case 'D':
      number = dayOfWeek(days) + 1;
      text = String(number);
      break;
    case 'ID':
      number = dayOfWeek(days) === 0 ? 7 : dayOfWeek(days);
      text = String(number);
      break;
    case 'WW':
      number = Math.floor((dayOfYear(days) - 1) / 7) + 1;
      text = pad(number, 2, fillMode);
      break;
    case 'W':
      number = Math.trunc((f.day - 1) / 7) + 1;
      text = String(number);
      break;
    case 'IW':
      number = isoWeek(days).week;
      text = pad(number, 2, fillMode);
      break;
    case 'Q':
      if (f.month === 0) return '';
      number = Math.trunc((f.month - 1) / 3) + 1;
      text = String(number);
      break;
    case 'CC':
      number = f.interval ? Math.trunc(f.year / 100) : f.year > 0 ? Math.floor((f.year - 1) / 100) + 1 : Math.trunc(f.year / 100) - 1;
      text = number <= 99 && number >= -99 ? pad(number, number >= 0 ? 2 : 3, fillMode) : String(number);
      break;
    case 'J':
      number = f.interval ? date2j(f.year, f.month, f.day) : days + UNIX_EPOCH_JULIAN_DAY;
      text = String(number);
      break;
    case 'RM': {
      if (f.month === 0 && (!f.interval || f.year === 0)) return '';
      // Intervals: whole years show as XII (I when negative), negative months count back from XII.
      const index = f.month > 0 ? f.month - 1 : f.month === 0 ? (f.year >= 0 ? 11 : 0) : 12 + f.month;
      const roman = romanMonths[index] as string;
      const cased = node.text === 'RM' ? roman : roman.toLowerCase();
      return fillMode ? cased : cased.padEnd(4, ' ');
    }
    case 'TZ':
      if (f.zoneAbbreviation === undefined) return '';
      return node.text === 'tz' ? f.zoneAbbreviation.toLowerCase() : f.zoneAbbreviation;
    case 'TZH': {
      const offset = f.offsetSeconds ?? 0;
      return `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 3600)).padStart(2, '0')}`;
    }
    case 'TZM': {
      const offset = Math.abs(f.offsetSeconds ?? 0);
      return String(Math.floor((offset % 3600) / 60)).padStart(2, '0');
    }
    case 'OF': {
      const offset = f.offsetSeconds ?? 0;
      const abs = Math.abs(offset);
      const minutes = Math.floor((abs % 3600) / 60);
      return `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 3600)).padStart(fillMode ? 1 : 2, '0')}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
    }
    default:
      return node.text;
  }
  if (node.suffix !== '' && number !== undefined) text += ordinal(number, node.suffix === 'TH');
  return text;
}

/** PostgreSQL's date2j over raw fields (C division truncates), which to_char's J shows for intervals. */
function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.trunc(y / 100);
  return y * 365 - 32167 + Math.trunc(y / 4) - century + Math.trunc(century / 4) + Math.trunc((7834 * m) / 256) + day;
}

function formatDateTime(format: string, fields: Fields): string {
  return parseDateFormat(format).map((n) => (n.kind === 'literal' ? n.text : formatField(n, fields))).join('');
}

function timestampFields(micros: bigint, zone?: { offsetSeconds: number; abbreviation: string }): Fields {
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const time = Number(floorMod(micros, MICROS_PER_DAY));
  const { year, month, day } = civilFromDays(days);
  const seconds = Math.floor(time / 1e6);
  return {
    year, month, day, days,
    hour: Math.floor(seconds / 3600), minute: Math.floor((seconds % 3600) / 60), second: seconds % 60, micros: time % 1e6,
    interval: false,
    ...(zone === undefined ? {} : { offsetSeconds: zone.offsetSeconds, zoneAbbreviation: zone.abbreviation }),
  };
}

function intervalFields(span: Interval): Fields {
  const totalSeconds = span.micros / 1_000_000n;
  return {
    year: Math.trunc(span.months / 12),
    month: span.months % 12,
    day: span.days,
    hour: Number(totalSeconds / 3600n),
    minute: Number((totalSeconds / 60n) % 60n),
    second: Number(totalSeconds % 60n),
    micros: Number(span.micros % 1_000_000n),
    interval: true,
  };
}

function timestamptzToChar(utc: bigint, format: string, zone: TimeZone): string | null {
  if (isInfiniteTimestamp(utc)) return null;
  const { localMicros, offsetSeconds } = toLocal(utc, zone);
  const abbreviation = zone.abbreviationAt(Number(floorDiv(utc, 1_000_000n)));
  return formatDateTime(format, timestampFields(localMicros, { offsetSeconds, abbreviation }));
}

// ---------------------------------------------------------------------------------------------
// to_date / to_timestamp

function parseWith(text: string, format: string, zone: TimeZone): { micros: bigint; hasTime: boolean; offsetSeconds?: number } {
  let year: number | undefined;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let pm: boolean | undefined;
  let bc = false;
  let dayOfYearValue: number | undefined;
  let julian: number | undefined;
  let offsetHours: number | undefined;
  let offsetMinutes = 0;
  let hasTime = false;
  let twoDigitYear = false;
  let p = 0;
  const skipSpaces = (): void => {
    while (p < text.length && text[p] === ' ') p++;
  };
  const readNumber = (key: string, maxDigits: number): number => {
    skipSpaces();
    const match = new RegExp(`^[+-]?\\d{1,${maxDigits}}`).exec(text.slice(p));
    if (match === null) {
      const found = text.slice(p).split(/\s/)[0] ?? '';
      if (p >= text.length) throw new PgError('22007', `source string too short for "${key}" formatting field`, { detail: `Field requires ${maxDigits} characters, but only 0 remain.`, hint: 'If your source string is not fixed-width, try using the "FM" modifier.' });
      throw new PgError('22007', `invalid value "${found}" for "${key}"`, { detail: 'Value must be an integer.' });
    }
    p += match[0].length;
    return Number(match[0]);
  };
  const readName = (key: string, names: readonly string[], abbreviated: boolean): number => {
    skipSpaces();
    const rest = text.slice(p).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      const name = (abbreviated ? (names[i] as string).slice(0, 3) : (names[i] as string)).toLowerCase();
      if (rest.startsWith(name)) {
        p += name.length;
        return i;
      }
    }
    throw new PgError('22007', `invalid value "${text.slice(p, p + (abbreviated ? 3 : 9)).trim()}" for "${key}"`, { detail: `The given value did not match any of the allowed values for this field.` });
  };
  for (const node of parseDateFormat(format)) {
    if (node.kind === 'literal') {
      // A separator in the template skips one character of the input (or spaces).
      if (node.text === ' ') skipSpaces();
      else if (p < text.length && !/[0-9A-Za-z]/.test(text[p] as string)) p++;
      else if (p < text.length && text[p] === node.text) p++;
      continue;
    }
    const key = node.key;
    switch (key) {
      case 'YYYY': year = readNumber(key, node.fillMode ? 9 : 4); break;
      case 'Y,YYY': {
        const thousands = readNumber(key, 3);
        if (text[p] === ',') p++;
        year = thousands * 1000 + readNumber(key, 3);
        break;
      }
      case 'YYY': year = readNumber(key, 3); year += year < 100 ? 2000 : 1000; break;
      case 'YY': year = readNumber(key, 2); twoDigitYear = true; break;
      case 'Y': year = 2000 + readNumber(key, 1); break;
      case 'IYYY': year = readNumber(key, 4); break;
      case 'MM': month = readNumber(key, 2); break;
      case 'MONTH': month = readName(key, monthNames, false) + 1; break;
      case 'MON': month = readName(key, monthNames, true) + 1; break;
      case 'DD': day = readNumber(key, 2); break;
      case 'DDD': dayOfYearValue = readNumber(key, 3); break;
      case 'DAY': readName(key, dayNames, false); break;
      case 'DY': readName(key, dayNames, true); break;
      case 'D': case 'ID': readNumber(key, 1); break;
      case 'HH': case 'HH12': hour = readNumber(key, 2); hasTime = true;
        if (hour < 1 || hour > 12) throw new PgError('22008', `hour "${hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' });
        break;
      case 'HH24': hour = readNumber(key, 2); hasTime = true; break;
      case 'MI': minute = readNumber(key, 2); hasTime = true; break;
      case 'SS': second = readNumber(key, 2); hasTime = true; break;
      case 'SSSS': case 'SSSSS': {
        const total = readNumber(key, 5);
        hour = Math.floor(total / 3600);
        minute = Math.floor((total % 3600) / 60);
        second = total % 60;
        hasTime = true;
        break;
      }
      case 'MS': {
        skipSpaces();
        const digits = /^\d{1,3}/.exec(text.slice(p))?.[0] ?? '';
        if (digits === '') readNumber(key, 3);
        p += digits.length;
        micros = Number(digits.padEnd(3, '0')) * 1000;
        break;
      }
      case 'US': case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
        skipSpaces();
        const width = key === 'US' ? 6 : Number(key[2]);
        const digits = new RegExp(`^\\d{1,${width}}`).exec(text.slice(p))?.[0] ?? '';
        if (digits === '') readNumber(key, width);
        p += digits.length;
        micros = Number(digits.padEnd(6, '0'));
        break;
      }
      case 'AM': case 'PM': case 'A.M.': case 'P.M.': {
        skipSpaces();
        const rest = text.slice(p).toLowerCase();
        const match = /^(a\.m\.|p\.m\.|am|pm)/.exec(rest);
        if (match === null) throw new PgError('22007', `invalid value "${text.slice(p, p + 2)}" for "${key}"`, { detail: 'The given value did not match any of the allowed values for this field.' });
        pm = match[0].startsWith('p');
        p += match[0].length;
        break;
      }
      case 'AD': case 'BC': case 'A.D.': case 'B.C.': {
        skipSpaces();
        const match = /^(a\.d\.|b\.c\.|ad|bc)/.exec(text.slice(p).toLowerCase());
        if (match === null) throw new PgError('22007', `invalid value "${text.slice(p, p + 2)}" for "${key}"`, { detail: 'The given value did not match any of the allowed values for this field.' });
        bc = match[0].startsWith('b');
        p += match[0].length;
        break;
      }
      case 'J': julian = readNumber(key, 9); break;
      case 'TZH': offsetHours = readNumber(key, 2); break;
      case 'TZM': offsetMinutes = readNumber(key, 2); break;
      case 'Q': case 'W': case 'WW': case 'IW': case 'CC': case 'RM': readNumber(key, 2); break;
      default:
        throw new PgError('0A000', `formatting field "${node.text}" is only supported in to_char`);
    }
  }
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  let y = year ?? 1;
  if (twoDigitYear) y = y < 70 ? y + 2000 : y + 1900;
  if (bc) y = 1 - y;
  if (y === 0 && !bc) throw new PgError('22008', 'cannot calculate day of year without year information');
  let days: number;
  if (julian !== undefined) days = julian - UNIX_EPOCH_JULIAN_DAY;
  else if (dayOfYearValue !== undefined) days = daysFromCivil(y, 1, 1) + dayOfYearValue - 1;
  else {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) {
      throw new PgError('22008', `date/time field value out of range: "${text}"`);
    }
    days = daysFromCivil(y, month, day);
  }
  if (hour > 24 || minute > 59 || second > 60) throw new PgError('22008', `date/time field value out of range: "${text}"`);
  const result = BigInt(days) * MICROS_PER_DAY + BigInt(((hour * 60 + minute) * 60 + second)) * 1_000_000n + BigInt(micros);
  void zone;
  if (offsetHours !== undefined) {
    const offset = (Math.abs(offsetHours) * 3600 + offsetMinutes * 60) * (offsetHours < 0 ? -1 : 1);
    return { micros: result, hasTime, offsetSeconds: offset };
  }
  return { micros: result, hasTime };
}

function toTimestamp(text: string, format: string, call: Call): bigint {
  const parsed = parseWith(text, format, call.ctx.timeZone);
  const utc = parsed.offsetSeconds !== undefined
    ? parsed.micros - BigInt(parsed.offsetSeconds) * 1_000_000n
    : fromLocal(parsed.micros, call.ctx.timeZone);
  if (!isValidTimestamp(utc)) throw new PgError('22008', 'timestamp out of range');
  return utc;
}

// ---------------------------------------------------------------------------------------------
// numbers

interface NumberFormat {
  pre: number;
  post: number;
  /** 1-based position of the first 0 before the decimal point, 0 when none. */
  zeroStart: number;
  zeroEnd: number;
  decimal: boolean;
  fillMode: boolean;
  zero: boolean;
  bracket: boolean;
  minus: boolean;
  plus: boolean;
  lsign: 'none' | 'pre' | 'post';
  preLsignNum: number;
  roman: boolean;
  multi: number;
  multiFlag: boolean;
  eeee: boolean;
  nodes: NumberNode[];
}

type NumberNode = { kind: 'key'; key: string } | { kind: 'literal'; text: string };

const numberKeywords = ['EEEE', 'FM', 'PR', 'PL', 'MI', 'SG', 'RN', 'TH', '9', '0', '.', ',', 'B', 'D', 'G', 'L', 'S', 'V'];

function formatError(message: string, detail?: string): PgError {
  return new PgError('42601', message, detail === undefined ? {} : { detail });
}

function parseNumberFormat(format: string): NumberFormat {
  const f: NumberFormat = {
    pre: 0, post: 0, zeroStart: 0, zeroEnd: 0, decimal: false, fillMode: false, zero: false, bracket: false, minus: false,
    plus: false, lsign: 'none', preLsignNum: 0, roman: false, multi: 0, multiFlag: false, eeee: false, nodes: [],
  };
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i);
    if (rest[0] === '"') {
      let text = '';
      i++;
      while (i < format.length && format[i] !== '"') {
        if (format[i] === '\\' && i + 1 < format.length) i++;
        text += format[i++];
      }
      i++;
      f.nodes.push({ kind: 'literal', text });
      continue;
    }
    const key = numberKeywords.find((k) => rest.startsWith(k) || rest.startsWith(k.toLowerCase()));
    if (key === undefined) {
      f.nodes.push({ kind: 'literal', text: format[i] as string });
      i++;
      continue;
    }
    // Output case matters only for RN and TH: rn and th print lowercase.
    const id = (key === 'RN' || key === 'TH') && rest.startsWith(key.toLowerCase()) ? key.toLowerCase() : key;
    i += key.length;
    switch (id) {
      case '9':
        if (f.bracket) throw formatError('"9" must be ahead of "PR"');
        if (f.multiFlag) f.multi++;
        else if (f.decimal) f.post++;
        else f.pre++;
        break;
      case '0':
        if (f.bracket) throw formatError('"0" must be ahead of "PR"');
        if (!f.zero && !f.decimal) {
          f.zero = true;
          f.zeroStart = f.pre + 1;
        }
        if (!f.decimal) f.pre++;
        else f.post++;
        f.zeroEnd = f.pre + f.post;
        break;
      case 'D':
      case '.':
        if (f.decimal) throw formatError('multiple decimal points');
        if (f.multiFlag) throw formatError('cannot use "V" and decimal point together');
        f.decimal = true;
        break;
      case 'FM':
        f.fillMode = true;
        break;
      case 'S':
        if (f.lsign !== 'none') throw formatError('cannot use "S" twice');
        if (f.plus || f.minus || f.bracket) throw formatError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
        if (!f.decimal) {
          f.lsign = 'pre';
          f.preLsignNum = f.pre;
        } else f.lsign = 'post';
        break;
      case 'MI':
        if (f.lsign !== 'none') throw formatError('cannot use "S" and "MI" together');
        f.minus = true;
        break;
      case 'PL':
        if (f.lsign !== 'none') throw formatError('cannot use "S" and "PL" together');
        f.plus = true;
        break;
      case 'SG':
        if (f.lsign !== 'none') throw formatError('cannot use "S" and "SG" together');
        f.minus = true;
        f.plus = true;
        break;
      case 'PR':
        if (f.lsign !== 'none' || f.plus || f.minus) throw formatError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
        f.bracket = true;
        break;
      case 'RN':
      case 'rn':
        f.roman = true;
        break;
      case 'V':
        if (f.decimal) throw formatError('cannot use "V" and decimal point together');
        f.multiFlag = true;
        break;
      case 'EEEE':
        if (f.eeee) throw formatError('cannot use "EEEE" twice');
        if (f.fillMode || f.lsign !== 'none' || f.bracket || f.minus || f.plus || f.roman || f.multiFlag) {
          throw formatError('"EEEE" is incompatible with other formats', '"EEEE" may only be used together with digit and decimal point patterns.');
        }
        f.eeee = true;
        break;
      default:
        break;
    }
    f.nodes.push({ kind: 'key', key: id });
  }
  return f;
}

function toRoman(n: number): string {
  const numerals: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let rest = n;
  let out = '';
  for (const [value, symbol] of numerals) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

/** NUM_processor for to_char: lays the digits of `number` (no sign) into the template. */
function layoutNumber(f: NumberFormat, number: string, sign: '+' | '-', outPreSpaces: number): string {
  let out = '';
  let numCurr = 0;
  let numberPos = 0;
  let numIn = false;
  let signWrote: boolean;
  const fill = f.fillMode;
  let bracket = f.bracket;
  let lsign = f.lsign;
  const zeroStart = f.zeroStart > 0 ? f.zeroStart - 1 : 0;
  if (f.plus || f.minus) {
    signWrote = !(f.plus && !f.minus);
  } else {
    if (sign !== '-' && fill) bracket = false;
    signWrote = sign === '+' && fill && lsign === 'none';
    if (lsign === 'pre' && f.pre === f.preLsignNum) lsign = 'post';
  }
  let numCount = f.post + f.pre - 1;
  let lastRelevant: number | undefined;
  if (fill && f.decimal) {
    const dot = number.indexOf('.');
    if (dot >= 0) {
      lastRelevant = dot;
      for (let i = dot + 1; i < number.length; i++) if (number[i] !== '0') lastRelevant = i;
    }
    if (lastRelevant !== undefined && f.zeroEnd > outPreSpaces) {
      const lastZero = Math.min(number.length - 1, f.zeroEnd - outPreSpaces);
      if (lastRelevant < lastZero) lastRelevant = lastZero;
    }
  }
  if (!signWrote && outPreSpaces === 0) numCount++;
  const predecSpace = (): boolean => !f.zero && numberPos === 0 && number[0] === '0' && f.post !== 0;

  const numpart = (id: string): void => {
    numIn = false;
    if (!signWrote && (numCurr >= outPreSpaces || (f.zero && zeroStart === numCurr)) &&
        (!predecSpace() || (lastRelevant !== undefined && number[lastRelevant] === '.'))) {
      if (lsign !== 'none') {
        if (lsign === 'pre') {
          out += sign === '-' ? '-' : '+';
          signWrote = true;
        }
      } else if (bracket) {
        out += sign === '+' ? ' ' : '<';
        signWrote = true;
      } else if (sign === '+') {
        if (!fill) out += ' ';
        signWrote = true;
      } else {
        out += '-';
        signWrote = true;
      }
    }
    if (numCurr < outPreSpaces && (zeroStart > numCurr || !f.zero)) {
      if (!fill) out += ' ';
    } else if (f.zero && numCurr < outPreSpaces && zeroStart <= numCurr) {
      out += '0';
      numIn = true;
    } else {
      if (number[numberPos] === '.') {
        if (lastRelevant === undefined || number[lastRelevant] !== '.') out += '.';
        else if (fill && number[lastRelevant] === '.') out += '.';
      } else if (lastRelevant !== undefined && numberPos > lastRelevant && id !== '0') {
        // trailing zeros suppressed by FM
      } else if (predecSpace()) {
        if (!fill) out += ' ';
        else if (lastRelevant !== undefined && number[lastRelevant] === '.') out += '0';
      } else {
        // Past the end of the digits (a decimal point with no digits after it) PostgreSQL
        // copies the string's terminating NUL, which ends its output there.
        out += number[numberPos] ?? '\0';
        numIn = true;
      }
      if (numberPos < number.length) numberPos++;
    }
    let end = numCount + (outPreSpaces > 0 ? 1 : 0) + (f.decimal ? 1 : 0);
    if (lastRelevant !== undefined && lastRelevant === numberPos) end = numCurr;
    if (numCurr + 1 === end) {
      if (signWrote && bracket) out += sign === '+' ? ' ' : '>';
      else if (lsign === 'post') out += sign === '-' ? '-' : '+';
    }
    numCurr++;
  };

  for (const node of f.nodes) {
    if (node.kind === 'literal') {
      out += node.text;
      continue;
    }
    switch (node.key) {
      case '9': case '0': case '.': case 'D':
        numpart(node.key === 'D' ? '.' : node.key);
        break;
      case ',':
      case 'G':
        if (!numIn) {
          if (!fill) out += ' ';
        } else out += ',';
        break;
      case 'L':
        out += ' ';
        break;
      case 'MI':
        if (sign === '-') out += '-';
        else if (!fill) out += ' ';
        break;
      case 'PL':
        if (sign === '+') out += '+';
        else if (!fill) out += ' ';
        break;
      case 'SG':
        out += sign;
        break;
      case 'TH':
      case 'th':
        if (number.startsWith('#') || sign === '-' || f.decimal) break;
        if (!/\d$/.test(number)) throw new PgError('22P02', `"${number}" is not a number`);
        out += ordinalSuffix(number, node.key === 'TH');
        break;
      default:
        break;
    }
  }
  const end = out.indexOf('\0');
  return end >= 0 ? out.slice(0, end) : out;
}

/** get_th: the ordinal suffix of a digit string. */
function ordinalSuffix(digits: string, upper: boolean): string {
  return ordinal(Number(digits.slice(-2)), upper);
}

function romanNumber(f: NumberFormat, value: number | undefined, lower: boolean): string {
  if (value === undefined || value < 1 || value > 3999) return '#'.repeat(15);
  const roman = lower ? toRoman(value).toLowerCase() : toRoman(value);
  return f.fillMode ? roman : roman.padStart(15, ' ');
}

/** numeric_out_sci: d.ddde+XX with `scale` digits after the point. */
function scientific(value: Decimal, scale: number): string {
  const text = value.toExponential(Math.max(0, scale), Decimal.ROUND_HALF_UP);
  const match = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text) as RegExpExecArray;
  return `${match[1]}e${match[2]}${(match[3] as string).padStart(2, '0')}`;
}

function numberToChar(value: Decimal, format: string, kind: 'int' | 'numeric' | 'float4' | 'float8', raw?: number): string {
  const f = parseNumberFormat(format);
  if (f.roman) {
    const integer = value.isFinite() ? roundToScale(value, 0).toNumber() : undefined;
    const lower = f.nodes.some((n) => n.kind === 'key' && n.key === 'rn');
    return f.nodes.map((n) => (n.kind === 'literal' ? n.text : n.key === 'RN' || n.key === 'rn' ? romanNumber(f, integer, lower) : '')).join('');
  }
  if (f.eeee) {
    let number: string;
    if (!value.isFinite()) {
      const chars = new Array<string>(f.pre + f.post + 6).fill('#');
      chars[0] = ' ';
      chars[f.pre + 1] = '.';
      number = chars.join('');
    } else {
      const sci = scientific(value, f.post);
      number = sci.startsWith('-') ? sci : ` ${sci}`;
    }
    return number;
  }
  let v = value;
  if (f.multiFlag) {
    // V multiplies by 10^n, and its digits count as integer digits.
    v = numeric(v.times(new Decimal(10).pow(f.multi)));
    f.pre += f.multi;
  }
  let text: string;
  if (!v.isFinite()) {
    text = formatNumeric(v);
  } else if (kind === 'float8' || kind === 'float4') {
    const digits = kind === 'float8' ? 15 : 6;
    const magnitude = Math.abs(raw ?? v.toNumber());
    const preLength = printfFixed(magnitude, 0).length;
    let post = f.post;
    if (preLength >= digits) post = 0;
    else if (preLength + post > digits) post = digits - preLength;
    f.post = post;
    text = printfFixed(raw ?? v.toNumber(), post);
    if (f.multiFlag) text = v.toFixed(post);
  } else {
    text = formatNumeric(roundToScale(v, f.post));
  }
  let sign: '+' | '-' = '+';
  if (text.startsWith('-')) {
    sign = '-';
    text = text.slice(1);
  }
  const dot = text.indexOf('.');
  const preLength = dot >= 0 ? dot : text.length;
  let outPreSpaces = 0;
  if (preLength > f.pre) {
    text = `${'#'.repeat(f.pre)}.${'#'.repeat(f.post)}`;
  } else if (preLength < f.pre) {
    outPreSpaces = f.pre - preLength;
  }
  // printf("%.*f") of a negative zero, or of a negative value rounding to zero, keeps its sign.
  if ((kind === 'float8' || kind === 'float4') && raw !== undefined && (raw < 0 || Object.is(raw, -0))) sign = '-';
  return layoutNumber(f, text, sign, outPreSpaces);
}

/**
 * to_number: reads the text position by position along the template. A leading blank or sign
 * takes the sign's place; each 9 or 0 takes one character, a digit or a blank.
 */
function toNumber(text: string, format: string): Decimal {
  const f = parseNumberFormat(format);
  let digits = '';
  let negative = false;
  let p = 0;
  let seenDecimal = false;
  const first = text[0];
  if (first === '-' || first === '<') {
    negative = true;
    p++;
  } else if (first === '+' || first === ' ') {
    p++;
  }
  for (const node of f.nodes) {
    const c = text[p];
    if (node.kind === 'literal') {
      if (c !== undefined) p += node.text.length;
      continue;
    }
    switch (node.key) {
      case '9':
      case '0':
        if (c !== undefined && c >= '0' && c <= '9') {
          digits += c;
          p++;
        } else if (c === ' ') {
          p++;
        }
        break;
      case '.':
      case 'D':
        if (c === '.') {
          p++;
          digits += '.';
          seenDecimal = true;
        }
        break;
      case ',':
      case 'G':
        if (c === ',') p++;
        break;
      case 'S': case 'MI': case 'PL': case 'SG':
        if (c === '-') {
          negative = true;
          p++;
        } else if (c === '+') p++;
        break;
      case 'PR':
        if (c === '>') p++;
        break;
      case 'L':
        if (c !== undefined && !/[\d.\-+]/.test(c)) p++;
        break;
      default:
        break;
    }
  }
  const clean = digits.replace(/\.$/, '') || '0';
  const scale = seenDecimal ? (clean.split('.')[1] ?? '').length : 0;
  const value = numeric(`${negative ? '-' : ''}${clean}`, scale);
  if (f.multiFlag) return numeric(value.div(new Decimal(10).pow(f.multi)));
  return value;
}

const dec = (v: unknown): Decimal => v as Decimal;
const str = (v: unknown): string => v as string;

/** The formatting functions, by C symbol. */
export const formattingImpls: Record<string, ScalarImpl> = {
  timestamp_to_char: ([t, fmt]) => {
    const micros = t as bigint;
    if (isInfiniteTimestamp(micros)) return null;
    return formatDateTime(str(fmt), { ...timestampFields(micros), offsetSeconds: 0 });
  },
  timestamptz_to_char: ([t, fmt], call) => timestamptzToChar(t as bigint, str(fmt), call.ctx.timeZone),
  interval_to_char: ([i, fmt]) => formatDateTime(str(fmt), intervalFields(i as Interval)),
  numeric_to_char: ([n, fmt]) => numberToChar(dec(n), str(fmt), 'numeric'),
  int4_to_char: ([n, fmt]) => numberToChar(numeric(String(n), 0), str(fmt), 'int'),
  int8_to_char: ([n, fmt]) => numberToChar(numeric(String(n), 0), str(fmt), 'int'),
  float4_to_char: ([n, fmt]) => numberToChar(Number.isFinite(n as number) ? numeric(n as number) : numeric(n as number), str(fmt), 'float4', n as number),
  float8_to_char: ([n, fmt]) => numberToChar(Number.isFinite(n as number) ? numeric(n as number) : numeric(n as number), str(fmt), 'float8', n as number),
  to_timestamp: ([t, fmt], call) => toTimestamp(str(t), str(fmt), call),
  to_date: ([t, fmt], call) => {
    const parsed = parseWith(str(t), str(fmt), call.ctx.timeZone);
    return Number(floorDiv(parsed.micros, MICROS_PER_DAY));
  },
  numeric_to_number: ([t, fmt]) => toNumber(str(t), str(fmt)),
};

