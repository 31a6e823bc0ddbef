/**
 * Text input and output of date, time, timestamp and timestamptz, with PostgreSQL 15's output in
 * DateStyle ISO: `2024-01-02`, `03:04:05.5`, `2024-01-02 03:04:05`, `2024-01-02 03:04:05+00`,
 * years before 1 AD with a ` BC` suffix.
 */
import { PgError } from '../../errors/pg-error.js';
import type { TypeContext } from '../type-context.js';
import {
  civilFromDays, daysFromCivil, fieldsFromMicros, floorDiv, isValidDate, isValidJulian, isValidTimestamp,
  MICROS_PER_DAY, microsFromFields, timeMicrosOf, TIMESTAMP_INFINITY_MICROS, TIMESTAMP_MINUS_INFINITY_MICROS,
} from './calendar.js';
import { DateTimeParseFailure, dateTimeParseError, parseDateTime, type ParsedDateTime } from './parse-datetime.js';
import { offsetForLocal, type TimeZone } from './time-zone.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Years print with at least four digits; year 0 and before print as 1 BC and before. */
function formatYear(year: number): { text: string; bc: boolean } {
  const bc = year <= 0;
  return { text: String(bc ? 1 - year : year).padStart(4, '0'), bc };
}

export function formatDate(days: number): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const { year, month, day } = civilFromDays(days);
  const y = formatYear(year);
  return `${y.text}-${pad2(month)}-${pad2(day)}${y.bc ? ' BC' : ''}`;
}

/** Seconds with the fraction's trailing zeros dropped, as AppendSeconds prints them. */
function formatSeconds(second: number, micros: number): string {
  if (micros === 0) return pad2(second);
  return `${pad2(second)}.${String(micros).padStart(6, '0').replace(/0+$/, '')}`;
}

export function formatTime(micros: bigint): string {
  const total = Number(micros);
  const seconds = Math.floor(total / 1_000_000);
  const fraction = total % 1_000_000;
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor((seconds % 3600) / 60))}:${formatSeconds(seconds % 60, fraction)}`;
}

function formatLocal(micros: bigint, zoneSuffix: string): string {
  const f = fieldsFromMicros(micros);
  const y = formatYear(f.year);
  return `${y.text}-${pad2(f.month)}-${pad2(f.day)} ${pad2(f.hour)}:${pad2(f.minute)}:${formatSeconds(f.second, f.micros)}` +
    `${zoneSuffix}${y.bc ? ' BC' : ''}`;
}

export function formatTimestamp(micros: bigint): string {
  if (micros === TIMESTAMP_INFINITY_MICROS) return 'infinity';
  if (micros === TIMESTAMP_MINUS_INFINITY_MICROS) return '-infinity';
  return formatLocal(micros, '');
}

/** A UTC offset as ISO output prints it: +05, -03:30, +00:53:28. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = `${sign}${pad2(h)}`;
  if (m !== 0 || s !== 0) text += `:${pad2(m)}`;
  if (s !== 0) text += `:${pad2(s)}`;
  return text;
}

/** The local time of an instant in a zone, and the zone's offset then. */
export function toLocal(utcMicros: bigint, zone: TimeZone): { localMicros: bigint; offsetSeconds: number } {
  const offsetSeconds = zone.offsetAt(Number(floorDiv(utcMicros, 1_000_000n)));
  return { localMicros: utcMicros + BigInt(offsetSeconds) * 1_000_000n, offsetSeconds };
}

/** The instant of a local time in a zone, with PostgreSQL's rules for DST gaps and overlaps. */
export function fromLocal(localMicros: bigint, zone: TimeZone): bigint {
  const offset = offsetForLocal(zone, Number(floorDiv(localMicros, 1_000_000n)));
  return localMicros - BigInt(offset) * 1_000_000n;
}

export function formatTimestamptz(utcMicros: bigint, zone: TimeZone): string {
  if (utcMicros === TIMESTAMP_INFINITY_MICROS) return 'infinity';
  if (utcMicros === TIMESTAMP_MINUS_INFINITY_MICROS) return '-infinity';
  const { localMicros, offsetSeconds } = toLocal(utcMicros, zone);
  return formatLocal(localMicros, formatOffset(offsetSeconds));
}

function parse(text: string, ctx: TypeContext, mode: 'date' | 'time', typeName: string): ParsedDateTime {
  try {
    return parseDateTime(text, ctx.dateOrder, mode);
  } catch (err) {
    if (err instanceof DateTimeParseFailure) throw dateTimeParseError(err.reason, text, typeName);
    throw err;
  }
}

/** The current local date and time in the session's zone, for 'now', 'today' and friends. */
function relativeLocalMicros(parsed: ParsedDateTime, ctx: TypeContext): bigint {
  const { localMicros } = toLocal(ctx.transactionTimestampMicros, ctx.timeZone);
  if (parsed.relative === 'now') return localMicros;
  const today = floorDiv(localMicros, MICROS_PER_DAY);
  const shift = parsed.relative === 'tomorrow' ? 1n : parsed.relative === 'yesterday' ? -1n : 0n;
  const time = timeMicrosOf(parsed.hour, parsed.minute, parsed.second, parsed.micros);
  return (today + shift) * MICROS_PER_DAY + time;
}

export function parseDate(text: string, ctx: TypeContext): number {
  const parsed = parse(text, ctx, 'date', 'date');
  if (parsed.special === 'infinity') return Infinity;
  if (parsed.special === '-infinity') return -Infinity;
  if (parsed.special === 'epoch') return 0;
  if (parsed.relative !== undefined) return Number(floorDiv(relativeLocalMicros(parsed, ctx), MICROS_PER_DAY));
  if (!isValidJulian(parsed.year, parsed.month)) throw new PgError('22008', `date out of range: "${text}"`);
  const days = daysFromCivil(parsed.year, parsed.month, parsed.day);
  if (!isValidDate(days)) throw new PgError('22008', `date out of range: "${text}"`);
  return days;
}

export function parseTime(text: string, typmod: number, ctx: TypeContext): bigint {
  const parsed = parse(text, ctx, 'time', 'time');
  if (parsed.special !== undefined) throw dateTimeParseError('format', text, 'time');
  if (parsed.relative === 'now') {
    const local = relativeLocalMicros(parsed, ctx);
    return roundTime(((local % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY, typmod);
  }
  return roundTime(timeMicrosOf(parsed.hour, parsed.minute, parsed.second, parsed.micros), typmod);
}

/** Local date and time of parsed input, checked against the timestamp range. */
function localMicrosOf(parsed: ParsedDateTime, ctx: TypeContext, text: string, typeName: string): bigint {
  if (parsed.relative !== undefined) return relativeLocalMicros(parsed, ctx);
  if (!isValidJulian(parsed.year, parsed.month)) throw new PgError('22008', `${typeName} out of range: "${text}"`);
  const days = daysFromCivil(parsed.year, parsed.month, parsed.day);
  return microsFromFields(days, timeMicrosOf(parsed.hour, parsed.minute, parsed.second, parsed.micros));
}

export function parseTimestamp(text: string, typmod: number, ctx: TypeContext): bigint {
  const parsed = parse(text, ctx, 'date', 'timestamp');
  if (parsed.special === 'infinity') return TIMESTAMP_INFINITY_MICROS;
  if (parsed.special === '-infinity') return TIMESTAMP_MINUS_INFINITY_MICROS;
  if (parsed.special === 'epoch') return 0n;
  const micros = localMicrosOf(parsed, ctx, text, 'timestamp');
  if (!isValidTimestamp(micros)) throw new PgError('22008', `timestamp out of range: "${text}"`);
  return roundTimestamp(micros, typmod, text);
}

export function parseTimestamptz(text: string, typmod: number, ctx: TypeContext): bigint {
  const parsed = parse(text, ctx, 'date', 'timestamp with time zone');
  if (parsed.special === 'infinity') return TIMESTAMP_INFINITY_MICROS;
  if (parsed.special === '-infinity') return TIMESTAMP_MINUS_INFINITY_MICROS;
  if (parsed.special === 'epoch') return 0n;
  let utc: bigint;
  if (parsed.relative === 'now') {
    utc = ctx.transactionTimestampMicros;
  } else {
    const local = localMicrosOf(parsed, ctx, text, 'timestamp');
    if (parsed.offsetSeconds !== undefined) utc = local - BigInt(parsed.offsetSeconds) * 1_000_000n;
    else utc = fromLocal(local, parsed.zone ?? ctx.timeZone);
  }
  if (!isValidTimestamp(utc)) throw new PgError('22008', `timestamp out of range: "${text}"`);
  return roundTimestamp(utc, typmod, text);
}

/** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01, where rounding is anchored. */
const POSTGRES_EPOCH_MICROS = 946_684_800_000_000n;

/**
 * Rounds to timestamp(p) precision half away from zero, as AdjustTimestampForTypmod does on
 * PostgreSQL's own representation (microseconds since 2000-01-01).
 */
export function roundTimestamp(micros: bigint, typmod: number, text?: string): bigint {
  if (typmod < 0 || typmod >= 6 || micros === TIMESTAMP_INFINITY_MICROS || micros === TIMESTAMP_MINUS_INFINITY_MICROS) return micros;
  const scale = 10n ** BigInt(6 - typmod);
  const pg = micros - POSTGRES_EPOCH_MICROS;
  const half = scale / 2n;
  const rounded = pg >= 0n ? ((pg + half) / scale) * scale : -(((-pg + half) / scale) * scale);
  const result = rounded + POSTGRES_EPOCH_MICROS;
  if (!isValidTimestamp(result)) {
    throw new PgError('22008', text === undefined ? 'timestamp out of range' : `timestamp out of range: "${text}"`);
  }
  return result;
}

/** Rounds a time of day to time(p) precision (AdjustTimeForTypmod). */
export function roundTime(micros: bigint, typmod: number): bigint {
  if (typmod < 0 || typmod >= 6) return micros;
  const scale = 10n ** BigInt(6 - typmod);
  return ((micros + scale / 2n) / scale) * scale;
}

/** Days since 1970 of the date of a local timestamp. */
export function dateOfLocalMicros(micros: bigint): number {
  return Number(floorDiv(micros, MICROS_PER_DAY));
}
