/**
 * The date/time input parser shared by date, time, timestamp and timestamptz, following
 * PostgreSQL's ParseDateTime/DecodeDateTime (src/backend/utils/adt/datetime.c): the input is
 * split into fields (numbers, dates with separators, times with colons, signed zone offsets,
 * words), and each field is decoded in the context of what has been seen so far, which is how
 * PostgreSQL tells `01/02/2024` (month first under DateStyle MDY) from `2024-01-02` (a year of
 * more than two digits comes first). Manual appendix B describes the rules.
 */
import { PgError } from '../../errors/pg-error.js';
import { daysInMonth } from './calendar.js';
import { FixedOffsetZone, findTimeZone, type TimeZone } from './time-zone.js';
import { lookupZoneAbbreviation } from './zone-abbreviations.js';

export type DateOrder = 'MDY' | 'DMY' | 'YMD';

type FieldKind = 'number' | 'date' | 'time' | 'tz' | 'string' | 'special';

interface Field {
  readonly kind: FieldKind;
  readonly text: string;
}

/** What the input said, before it is made into a value of one type. */
export interface ParsedDateTime {
  /** A special value that stands alone. */
  readonly special?: 'epoch' | 'infinity' | '-infinity';
  /** A date relative to the current one: 'now', 'today', 'tomorrow', 'yesterday'. */
  readonly relative?: 'now' | 'today' | 'tomorrow' | 'yesterday';
  readonly hasDate: boolean;
  readonly hasTime: boolean;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Fractional seconds in microseconds, 0 .. 1_000_000 (rounded from the input). */
  readonly micros: number;
  /** An explicit offset, in seconds east of UTC. */
  readonly offsetSeconds?: number;
  /** A named zone whose offset depends on the date (resolved by the caller). */
  readonly zone?: TimeZone;
}

/** The kinds of failure PostgreSQL's DateTimeParseError distinguishes. */
export type DateTimeError = 'format' | 'field' | 'md-field' | 'tz-displacement';

export class DateTimeParseFailure {
  constructor(readonly reason: DateTimeError) {}
}

/** Raises PostgreSQL's error for a failed parse of `text` as `typeName`. */
export function dateTimeParseError(reason: DateTimeError, text: string, typeName: string): PgError {
  switch (reason) {
    case 'field':
      return new PgError('22008', `date/time field value out of range: "${text}"`);
    case 'md-field':
      return new PgError('22008', `date/time field value out of range: "${text}"`, {
        hint: 'Perhaps you need a different "datestyle" setting.',
      });
    case 'tz-displacement':
      return new PgError('22009', `time zone displacement out of range: "${text}"`);
    case 'format':
      return new PgError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
  }
}

const fail = (reason: DateTimeError): never => {
  throw new DateTimeParseFailure(reason);
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && /^\s$/.test(c);

/** Splits the input into fields as ParseDateTime does. */
function splitFields(input: string): Field[] {
  const fields: Field[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i] as string;
    if (isDigit(c)) {
      let text = '';
      while (isDigit(input[i])) text += input[i++];
      if (input[i] === ':') {
        while (isDigit(input[i]) || input[i] === ':' || input[i] === '.') text += input[i++];
        fields.push({ kind: 'time', text });
      } else if (input[i] === '-' || input[i] === '/' || input[i] === '.') {
        const delimiter = input[i] as string;
        text += input[i++];
        if (isDigit(input[i])) {
          while (isDigit(input[i]) || input[i] === delimiter) text += input[i++];
          fields.push({ kind: delimiter === '.' ? 'number' : 'date', text });
        } else {
          while (isAlnum(input[i]) || input[i] === delimiter) text += (input[i++] as string).toLowerCase();
          fields.push({ kind: 'date', text });
        }
      } else {
        fields.push({ kind: 'number', text });
      }
    } else if (c === '.') {
      let text = c;
      i++;
      while (isDigit(input[i])) text += input[i++];
      fields.push({ kind: 'number', text });
    } else if (isAlpha(c)) {
      let text = '';
      while (isAlpha(input[i])) text += (input[i++] as string).toLowerCase();
      let isDate = false;
      const next = input[i];
      if (next === '-' || next === '/' || next === '.') isDate = true;
      else if (next === '+' || isDigit(next)) isDate = keyword(text) === undefined;
      if (isDate) {
        do {
          text += (input[i++] as string).toLowerCase();
        } while (i < n && (/[+\-/_.:]/.test(input[i] as string) || isAlnum(input[i])));
        fields.push({ kind: 'date', text });
      } else {
        fields.push({ kind: 'string', text });
      }
    } else if (isSpace(c)) {
      i++;
    } else if (c === '+' || c === '-') {
      let text = c;
      i++;
      while (isSpace(input[i])) i++;
      if (isDigit(input[i])) {
        while (isDigit(input[i]) || input[i] === ':' || input[i] === '.' || input[i] === '-') text += input[i++];
        fields.push({ kind: 'tz', text });
      } else if (isAlpha(input[i])) {
        while (isAlpha(input[i])) text += (input[i++] as string).toLowerCase();
        fields.push({ kind: 'special', text });
      } else {
        fail('format');
      }
    } else if (/[!-/:-@[-`{-~]/.test(c)) {
      // Other punctuation separates fields and is otherwise ignored.
      i++;
    } else {
      fail('format');
    }
  }
  return fields;
}

type Keyword =
  | { kind: 'month'; value: number }
  | { kind: 'dow' }
  | { kind: 'ampm'; pm: boolean }
  | { kind: 'era'; bc: boolean }
  | { kind: 'special'; value: 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday' | 'allballs' }
  | { kind: 'iso-time' }
  | { kind: 'ignore' }
  | { kind: 'zulu' };

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const keywords = new Map<string, Keyword>();
months.forEach((m, i) => keywords.set(m, { kind: 'month', value: i + 1 }));
monthNames.forEach((m, i) => keywords.set(m, { kind: 'month', value: i + 1 }));
keywords.set('sept', { kind: 'month', value: 9 });
for (const d of ['sun', 'sunday', 'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'wednes', 'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday']) {
  keywords.set(d, { kind: 'dow' });
}
keywords.set('am', { kind: 'ampm', pm: false });
keywords.set('pm', { kind: 'ampm', pm: true });
keywords.set('a.m.', { kind: 'ampm', pm: false });
keywords.set('p.m.', { kind: 'ampm', pm: true });
keywords.set('ad', { kind: 'era', bc: false });
keywords.set('bc', { kind: 'era', bc: true });
for (const s of ['epoch', 'infinity', '-infinity', 'now', 'today', 'tomorrow', 'yesterday', 'allballs'] as const) {
  keywords.set(s, { kind: 'special', value: s });
}
keywords.set('t', { kind: 'iso-time' });
keywords.set('at', { kind: 'ignore' });
keywords.set('on', { kind: 'ignore' });
keywords.set('z', { kind: 'zulu' });
keywords.set('zulu', { kind: 'zulu' });

function keyword(text: string): Keyword | undefined {
  return keywords.get(text);
}

/** Which parts of the value have been given (PostgreSQL's fmask bits). */
interface Mask {
  year: boolean;
  month: boolean;
  day: boolean;
  doy: boolean;
  time: boolean;
  tz: boolean;
  ampm: boolean;
  dow: boolean;
  era: boolean;
  special: boolean;
}

interface State {
  readonly order: DateOrder;
  readonly mask: Mask;
  year: number;
  month: number;
  day: number;
  doy: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  is2digits: boolean;
  bc: boolean;
  pm: boolean | undefined;
  offsetSeconds: number | undefined;
  zone: TimeZone | undefined;
  special: ParsedDateTime['special'];
  relative: ParsedDateTime['relative'];
  haveTextMonth: boolean;
  /** 'time' after an ISO "T": the next number is a run-together time. */
  pending: 'time' | undefined;
  /** Parsing for the time type, where run-together numbers are times (DecodeTimeOnly). */
  readonly timeOnly: boolean;
}

/**
 * Parses date/time input. `mode` says what the target type needs: a date ('date', 'timestamp')
 * or a time ('time'). Throws DateTimeParseFailure; the caller turns it into its type's error.
 */
export function parseDateTime(input: string, order: DateOrder, mode: 'date' | 'time'): ParsedDateTime {
  const fields = splitFields(input);
  if (fields.length === 0) fail('format');
  const state: State = {
    order,
    mask: { year: false, month: false, day: false, doy: false, time: false, tz: false, ampm: false, dow: false, era: false, special: false },
    year: 0, month: 0, day: 0, doy: 0, hour: 0, minute: 0, second: 0, micros: 0,
    is2digits: false, bc: false, pm: undefined, offsetSeconds: undefined, zone: undefined,
    special: undefined, relative: undefined, haveTextMonth: false, pending: undefined, timeOnly: mode === 'time',
  };
  fields.forEach((field, index) => (state.timeOnly ? decodeTimeOnlyField(state, fields, index) : decodeField(state, field)));
  return finish(state, mode);
}

/** hhmm[ss]-zz: a run-together time with a trailing numeric zone. */
function decodeTimeWithZone(state: State, text: string): void {
  const { mask } = state;
  if (mask.time) fail('format');
  const dash = text.indexOf('-');
  if (dash < 0) fail('format');
  const offset = decodeOffset(text.slice(dash));
  runTogether(state, text.slice(0, dash));
  setOnce(mask, 'tz');
  state.offsetSeconds = offset;
}

/** DecodeTimeOnly's field rules, for the time types: the date parts are taken as given. */
function decodeTimeOnlyField(state: State, fields: readonly Field[], index: number): void {
  const field = fields[index] as Field;
  const text = field.text;
  const dateFirst = index === 0 && fields.length >= 2 && (fields[fields.length - 1]?.kind === 'date' || fields[1]?.kind === 'time');
  if (field.kind === 'date') {
    if (dateFirst) {
      decodeDate(state, text);
    } else if (isDigit(text[0])) {
      state.pending = undefined;
      decodeTimeWithZone(state, text);
    } else {
      const zone = findTimeZone(text);
      if (zone === undefined) throw new PgError('22023', `time zone "${text}" not recognized`);
      setOnce(state.mask, 'tz');
      state.zone = zone;
    }
    return;
  }
  if (field.kind === 'number' && state.pending === undefined) {
    const dot = text.indexOf('.');
    if (dot >= 0) {
      if (index === 0 && fields.length >= 2 && fields[fields.length - 1]?.kind === 'date') decodeDate(state, text);
      else if (dot > 2) runTogether(state, text);
      else fail('format');
    } else {
      // With the date taken as complete, a number can only be a run-together time.
      runTogether(state, text);
    }
    return;
  }
  decodeField(state, field);
}

function decodeField(state: State, field: Field): void {
  const { mask } = state;
  switch (field.kind) {
    case 'date':
      // With month and day known (or after an ISO "T"), a word with punctuation is a zone name
      // such as America/New_York.
      if (state.pending !== undefined || (mask.month && mask.day)) {
        if (isDigit(field.text[0]) || state.pending !== undefined) {
          // A run-together time with a trailing zone, hhmmss-zz (DecodeDateTime's DTK_DATE case).
          state.pending = undefined;
          decodeTimeWithZone(state, field.text);
          return;
        }
        const zone = findTimeZone(field.text);
        if (zone === undefined) throw new PgError('22023', `time zone "${field.text}" not recognized`);
        setOnce(mask, 'tz');
        state.zone = zone;
      } else {
        decodeDate(state, field.text);
      }
      return;
    case 'time':
      if (state.pending !== undefined) state.pending = undefined;
      decodeTime(state, field.text);
      return;
    case 'tz':
      setOnce(mask, 'tz');
      state.offsetSeconds = decodeOffset(field.text);
      return;
    case 'number':
      decodeNumberField(state, field.text);
      return;
    case 'string':
    case 'special':
      decodeWord(state, field.text);
      return;
  }
}

function setOnce(mask: Mask, key: keyof Mask): void {
  if (mask[key]) fail('format');
  mask[key] = true;
}

function decodeWord(state: State, text: string): void {
  const abbreviation = lookupZoneAbbreviation(text);
  if (abbreviation !== undefined) {
    setOnce(state.mask, 'tz');
    state.offsetSeconds = abbreviation;
    return;
  }
  const word = keyword(text);
  if (word === undefined) {
    const zone = findTimeZone(text);
    if (zone === undefined) fail('format');
    setOnce(state.mask, 'tz');
    state.zone = zone;
    return;
  }
  switch (word.kind) {
    case 'month':
      // A numeric month already read was really the day: "2 Jan 2024" (DecodeDateTime's MONTH case).
      if (state.mask.month && !state.haveTextMonth && !state.mask.day && state.month >= 1 && state.month <= 31) {
        state.day = state.month;
        state.mask.day = true;
      } else {
        setOnce(state.mask, 'month');
      }
      state.month = word.value;
      state.haveTextMonth = true;
      return;
    case 'dow':
      setOnce(state.mask, 'dow');
      return;
    case 'ampm':
      setOnce(state.mask, 'ampm');
      state.pm = word.pm;
      return;
    case 'era':
      setOnce(state.mask, 'era');
      state.bc = word.bc;
      return;
    case 'iso-time':
      // "T" starts an ISO 8601 time; it needs a date before it.
      if (!(state.mask.year && state.mask.month && state.mask.day) && !(state.mask.year || state.mask.month)) fail('format');
      state.pending = 'time';
      return;
    case 'ignore':
      return;
    case 'zulu':
      setOnce(state.mask, 'tz');
      state.offsetSeconds = 0;
      return;
    case 'special':
      decodeSpecial(state, word.value);
      return;
  }
}

function decodeSpecial(state: State, value: Extract<Keyword, { kind: 'special' }>['value']): void {
  const { mask } = state;
  switch (value) {
    case 'epoch':
    case 'infinity':
    case '-infinity':
      setOnce(mask, 'special');
      if (mask.time || mask.tz) fail('format');
      state.special = value;
      return;
    case 'now':
      setOnce(mask, 'special');
      if (mask.year || mask.month || mask.day || mask.time) fail('format');
      state.relative = 'now';
      mask.year = mask.month = mask.day = mask.time = true;
      return;
    case 'today':
    case 'tomorrow':
    case 'yesterday':
      setOnce(mask, 'special');
      if (mask.year || mask.month || mask.day) fail('format');
      state.relative = value;
      mask.year = mask.month = mask.day = true;
      return;
    case 'allballs':
      setOnce(mask, 'time');
      state.hour = state.minute = state.second = state.micros = 0;
      if (mask.tz) fail('format');
      mask.tz = true;
      state.offsetSeconds = 0;
      return;
  }
}

/** A field of digits with separators: 2024-01-02, 01/02/2024, 2024.01.02, jan-02-2024. */
function decodeDate(state: State, text: string): void {
  const parts = text.split(/[^a-z0-9]+/i).filter((p) => p !== '');
  if (parts.length === 0) fail('format');
  const numbers: string[] = [];
  for (const part of parts) {
    if (isAlpha(part[0])) {
      const word = keyword(part);
      if (word === undefined || word.kind !== 'month') {
        if (word?.kind === 'dow') continue;
        fail('format');
      } else {
        setOnce(state.mask, 'month');
        state.month = word.value;
        state.haveTextMonth = true;
      }
    } else {
      if (!/^\d+$/.test(part)) fail('format');
      numbers.push(part);
    }
  }
  for (const number of numbers) decodeNumber(state, number);
  // The date field must complete the date: "2024-05" followed by a day elsewhere is rejected.
  if (!(state.mask.year && ((state.mask.month && state.mask.day) || state.mask.doy))) fail('format');
}

/** A number standing alone: part of a date, a run-together date or time, or a fraction. */
function decodeNumberField(state: State, text: string): void {
  const { mask } = state;
  const haveDate = (mask.year && mask.month && mask.day) || state.timeOnly;
  if (state.pending === 'time' || (state.timeOnly && !mask.time && /^\d{4}(\d{2})?(\.\d*)?$/.test(text))) {
    state.pending = undefined;
    runTogether(state, text);
    return;
  }
  const dot = text.indexOf('.');
  if (dot >= 0 && !(mask.year || mask.month || mask.day)) {
    // An embedded decimal point with no date yet is a date with dots (2024.01.02).
    if (text.indexOf('.', dot + 1) < 0) fail('format');
    decodeDate(state, text);
    return;
  }
  if (dot >= 0 && dot > 2) {
    runTogether(state, text);
    return;
  }
  if (text.length >= 6 && (!haveDate || !mask.time)) {
    runTogether(state, text);
    return;
  }
  decodeNumber(state, text);
}

/** One number of a date, placed by what is already known (DecodeNumber). */
function decodeNumber(state: State, text: string): void {
  const { mask, order } = state;
  const dot = text.indexOf('.');
  if (dot >= 0) {
    // A fraction after a complete date and time is fractional seconds: not a date field.
    if (!(mask.year && mask.month && mask.day)) fail('format');
    runTogether(state, text);
    return;
  }
  const value = Number(text);
  const length = text.length;
  if (length === 3 && mask.year && !mask.month && !mask.day && !mask.doy && value >= 1 && value <= 366) {
    mask.doy = true;
    state.doy = value;
    return;
  }
  const key = `${mask.year ? 'Y' : ''}${mask.month ? 'M' : ''}${mask.day ? 'D' : ''}`;
  let field: 'year' | 'month' | 'day';
  switch (key) {
    case '':
      field = length >= 3 || order === 'YMD' ? 'year' : order === 'DMY' ? 'day' : 'month';
      break;
    case 'Y':
      field = 'month';
      break;
    case 'M':
      field = state.haveTextMonth ? (length >= 3 || order === 'YMD' ? 'year' : 'day') : 'day';
      break;
    case 'YM':
      if (state.haveTextMonth && length >= 3 && state.is2digits) {
        // DD-MON-YYYY: the first number was the day, not a two-digit year.
        mask.day = true;
        state.day = state.year;
        state.year = value;
        state.is2digits = false;
        return;
      }
      field = 'day';
      break;
    case 'D':
      field = 'month';
      break;
    case 'MD':
      field = 'year';
      break;
    case 'YMD':
      runTogether(state, text);
      return;
    default:
      fail('format');
      return;
  }
  setOnce(mask, field);
  state[field] = value;
  if (field === 'year') state.is2digits = length <= 2;
}

/** yyyymmdd, yymmdd, hhmmss, hhmm, and any of them with a fraction (DecodeNumberField). */
function runTogether(state: State, text: string): void {
  const { mask } = state;
  let digits = text;
  const dot = text.indexOf('.');
  if (dot >= 0) {
    state.micros = fractionMicros(text.slice(dot));
    digits = text.slice(0, dot);
  } else if (!(mask.year && mask.month && mask.day) && !state.timeOnly) {
    if (digits.length >= 6) {
      setOnce(mask, 'year');
      setOnce(mask, 'month');
      setOnce(mask, 'day');
      state.day = Number(digits.slice(-2));
      state.month = Number(digits.slice(-4, -2));
      state.year = Number(digits.slice(0, -4));
      state.is2digits = digits.length - 4 === 2;
      return;
    }
  }
  if (!mask.time) {
    if (digits.length === 6) {
      mask.time = true;
      state.hour = Number(digits.slice(0, 2));
      state.minute = Number(digits.slice(2, 4));
      state.second = Number(digits.slice(4, 6));
      return;
    }
    if (digits.length === 4) {
      mask.time = true;
      state.hour = Number(digits.slice(0, 2));
      state.minute = Number(digits.slice(2, 4));
      state.second = 0;
      return;
    }
  }
  fail('format');
}

/** rint(fraction × 10^6), as ParseFractionalSecond computes it in double precision. */
export function fractionMicros(fraction: string): number {
  if (!/^\.\d*$/.test(fraction)) fail('format');
  return rint(Number(`0${fraction}`) * 1_000_000);
}

/** C's rint: round half to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** hh:mm, hh:mm:ss, hh:mm:ss.ffffff, and mm:ss.fff (DecodeTime). */
function decodeTime(state: State, text: string): void {
  setOnce(state.mask, 'time');
  const match = /^(\d+):(\d*)(?::(\d*))?(\.\d*)?$/.exec(text);
  if (match === null) fail('format');
  const [, a, b, c, fraction] = match as RegExpExecArray;
  if (c === undefined && fraction !== undefined) {
    // mm:ss.fff
    state.hour = 0;
    state.minute = Number(a);
    state.second = Number(b);
  } else {
    state.hour = Number(a);
    state.minute = Number(b);
    state.second = Number(c ?? 0);
  }
  state.micros = fraction === undefined ? 0 : fractionMicros(fraction);
  if (state.minute > 59 || state.second > 60 || state.micros > 1_000_000) fail('field');
  if (outOfDay(state)) fail('field');
}

/** An hour past 24:00:00. Run-together times (hhmm) are not checked for timestamps, as in PG. */
function outOfDay(state: State): boolean {
  return state.hour > 24 || (state.hour === 24 && (state.minute > 0 || state.second > 0 || state.micros > 0));
}

/** +hh, +hhmm, +hh:mm, +hh:mm:ss (DecodeTimezone); seconds east of UTC. */
export function decodeOffset(text: string): number {
  const match = /^([+-])(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(text);
  if (match === null) fail('format');
  const [, sign, h, m, s] = match as RegExpExecArray;
  let hours = Number(h);
  let minutes = Number(m ?? 0);
  const seconds = Number(s ?? 0);
  if (m === undefined && (h as string).length > 2) {
    minutes = hours % 100;
    hours = Math.floor(hours / 100);
  }
  if (hours > 15 || minutes >= 60 || seconds >= 60) fail('tz-displacement');
  const east = (hours * 60 + minutes) * 60 + seconds;
  return sign === '-' ? -east : east;
}

function finish(state: State, mode: 'date' | 'time'): ParsedDateTime {
  const { mask } = state;
  if (state.pending !== undefined) fail('format');
  if (state.special !== undefined) {
    if (mask.year || mask.month || mask.day || mask.time) fail('format');
    return { special: state.special, hasDate: false, hasTime: false, year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0 };
  }
  validateDate(state);
  if (state.pm !== undefined) {
    if (state.hour > 12) fail('field');
    if (!state.pm && state.hour === 12) state.hour = 0;
    else if (state.pm && state.hour !== 12) state.hour += 12;
  }
  const hasDate = mask.year && mask.month && mask.day;
  if (mode === 'date' && !hasDate) fail('format');
  if (mode === 'time' && !mask.time && state.relative !== 'now') fail('format');
  // A zone whose offset changes over time needs a date to resolve it (DecodeTimeOnly).
  if (mode === 'time' && state.zone !== undefined && !(state.zone instanceof FixedOffsetZone) && !hasDate) fail('format');
  if (mode === 'time' && outOfDay(state)) fail('field');
  return {
    ...(state.relative === undefined ? {} : { relative: state.relative }),
    hasDate,
    hasTime: mask.time,
    year: state.year,
    month: state.month,
    day: state.day,
    hour: state.hour,
    minute: state.minute,
    second: state.second,
    micros: state.micros,
    ...(state.offsetSeconds === undefined ? {} : { offsetSeconds: state.offsetSeconds }),
    ...(state.zone === undefined ? {} : { zone: state.zone }),
  };
}

/** ValidateDate: years without zero, two-digit years, day of year, month and day ranges. */
function validateDate(state: State): void {
  const { mask } = state;
  if (state.relative !== undefined) return;
  if (mask.year) {
    if (state.bc) {
      if (state.year <= 0) fail('field');
      state.year = -(state.year - 1);
    } else if (state.is2digits) {
      if (state.year < 70) state.year += 2000;
      else if (state.year < 100) state.year += 1900;
    } else if (state.year <= 0) {
      fail('field');
    }
  } else if (state.bc) {
    fail('format');
  }
  if (mask.doy) {
    const date = new Date(0);
    date.setUTCFullYear(state.year, 0, state.doy);
    state.month = date.getUTCMonth() + 1;
    state.day = date.getUTCDate();
    mask.month = mask.day = true;
  }
  if (mask.month && (state.month < 1 || state.month > 12)) fail('md-field');
  if (mask.day && (state.day < 1 || state.day > 31)) fail('md-field');
  if (mask.year && mask.month && mask.day && state.day > daysInMonth(state.year, state.month)) fail('field');
}
