/**
 * Time zones: fixed offsets and IANA zones (through the ICU data behind Intl), with PostgreSQL's
 * rules for turning a local time into an instant across daylight-saving transitions.
 *
 * Offsets are in seconds EAST of Greenwich (ISO 8601's sign, the one PostgreSQL prints:
 * `-05` is New York in winter). POSIX zone strings such as `UTC+5` use the opposite sign, as
 * PostgreSQL does for them ("POSIX-style time zone specifications ... positive offsets are used
 * for locations west of Greenwich", manual 8.5.3).
 */
import { PgError } from '../../errors/pg-error.js';

export interface TimeZone {
  /** The name as the TimeZone setting shows it. */
  readonly name: string;
  /** The offset from UTC, in seconds east, in effect at the instant `utcSeconds`. */
  offsetAt(utcSeconds: number): number;
  /** The zone's abbreviation at an instant (to_char's TZ), e.g. EST, CET, or +09. */
  abbreviationAt(utcSeconds: number): string;
}

/** A zone with one offset forever: UTC, `+05:30`, POSIX `UTC+5` without DST rules. */
export class FixedOffsetZone implements TimeZone {
  constructor(
    readonly name: string,
    readonly offsetSeconds: number,
    private readonly abbreviation?: string,
  ) {}

  offsetAt(): number {
    return this.offsetSeconds;
  }

  abbreviationAt(): string {
    return this.abbreviation ?? formatOffsetAbbreviation(this.offsetSeconds);
  }
}

export const UTC_ZONE = new FixedOffsetZone('UTC', 0, 'UTC');

/** JavaScript's Date covers ±8.64e15 ms; beyond that a zone keeps its outermost offset. */
const dateSecondsMax = 8.64e12 - 86_400 * 2;
const bucketSeconds = 3600;

class IanaZone implements TimeZone {
  private readonly parts: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(
    readonly name: string,
    readonly intlName: string,
  ) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: intlName, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  offsetAt(utcSeconds: number): number {
    const t = Math.max(-dateSecondsMax, Math.min(dateSecondsMax, Math.floor(utcSeconds)));
    // Offsets change rarely: an hour whose two ends share an offset has it throughout, except
    // for transitions that undo themselves within the hour, which no zone has.
    const bucket = Math.floor(t / bucketSeconds);
    const cached = this.cache.get(bucket);
    if (cached !== undefined) return cached;
    const start = this.exactOffsetAt(bucket * bucketSeconds);
    const end = this.exactOffsetAt(bucket * bucketSeconds + bucketSeconds - 1);
    if (start === end) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(bucket, start);
      return start;
    }
    return this.exactOffsetAt(t);
  }

  private exactOffsetAt(utcSeconds: number): number {
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.parts.formatToParts(new Date(utcSeconds * 1000))) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        case 'era': bc = part.value === 'BC' || part.value === 'B'; break;
        default: break;
      }
    }
    const date = new Date(0);
    date.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    date.setUTCHours(hour, minute, second, 0);
    return Math.round(date.getTime() / 1000) - utcSeconds;
  }

  abbreviationAt(utcSeconds: number): string {
    const t = Math.max(-dateSecondsMax, Math.min(dateSecondsMax, Math.floor(utcSeconds)));
    for (const locale of ['en-US', 'en-GB', 'en-AU', 'en-IN']) {
      const name = new Intl.DateTimeFormat(locale, { timeZone: this.intlName, timeZoneName: 'short' })
        .formatToParts(new Date(t * 1000))
        .find((p) => p.type === 'timeZoneName')?.value;
      if (name !== undefined && !/^(GMT|UTC)[+-]/.test(name)) return name === 'GMT' && this.offsetAt(t) !== 0 ? formatOffsetAbbreviation(this.offsetAt(t)) : name;
    }
    return formatOffsetAbbreviation(this.offsetAt(t));
  }
}

/** PostgreSQL's abbreviation for a zone without one: +09, -03, +0530. */
function formatOffsetAbbreviation(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  return `${sign}${String(hours).padStart(2, '0')}${minutes === 0 ? '' : String(minutes).padStart(2, '0')}`;
}

const zones = new Map<string, TimeZone | null>();

/**
 * Loads a zone by name as PostgreSQL's pg_tzset does: an IANA name (any case), or a POSIX
 * string `ABC+h[:mm]` (hours west). Returns undefined for an unknown name.
 */
export function findTimeZone(name: string): TimeZone | undefined {
  const key = name.toLowerCase();
  const cached = zones.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const zone = loadTimeZone(name);
  zones.set(key, zone ?? null);
  return zone;
}

function loadTimeZone(name: string): TimeZone | undefined {
  const lower = name.toLowerCase();
  if (lower === 'utc' || lower === 'gmt' || lower === 'zulu' || lower === 'z' || lower === 'uct' ||
      lower === 'etc/utc' || lower === 'etc/gmt' || lower === 'universal' || lower === 'greenwich') {
    return new FixedOffsetZone(name, 0, lower === 'gmt' ? 'GMT' : 'UTC');
  }
  const posix = /^([a-z]+|<[+-]?[0-9a-z]+>)([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/i.exec(name);
  if (posix !== null && !/^(etc|gmt\/)/i.test(name)) {
    const [, abbrev, sign, h, m, s] = posix;
    const west = Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    const east = sign === '-' ? west : -west;
    const shown = (abbrev as string).startsWith('<') ? (abbrev as string).slice(1, -1) : (abbrev as string).toUpperCase();
    return new FixedOffsetZone(name, east, shown);
  }
  // A bare signed offset is a POSIX specification too (hours west): '+05' is five hours west.
  const bare = /^([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(name);
  if (bare !== null) {
    const [, sign, h, m, s] = bare;
    const west = Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    return new FixedOffsetZone(name, sign === '-' ? west : -west, name);
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return new IanaZone(name, resolved);
  } catch {
    return undefined;
  }
}

/**
 * The TimeZone setting's value, as PostgreSQL's check_timezone accepts it: a number of hours
 * (SQL sign: `-5` is five hours west) or a zone name.
 */
export function timeZoneSetting(value: string): TimeZone {
  const trimmed = value.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) {
    const east = Math.round(Number(trimmed) * 3600);
    return new FixedOffsetZone(trimmed, east);
  }
  const zone = findTimeZone(trimmed);
  if (zone === undefined) throw new PgError('22023', `invalid value for parameter "TimeZone": "${value}"`);
  return zone;
}

/**
 * The instant of a local time in a zone, resolving times a DST transition skips or repeats as
 * PostgreSQL's DetermineTimeZoneOffset does: "In a spring-forward transition, prefer the 'before'
 * interpretation; in a fall-back transition, prefer 'after'". Returns the offset to subtract.
 */
export function offsetForLocal(zone: TimeZone, localSeconds: number): number {
  if (zone instanceof FixedOffsetZone) return zone.offsetSeconds;
  const beforeOffset = zone.offsetAt(localSeconds - 86_400);
  const afterOffset = zone.offsetAt(localSeconds + 86_400);
  if (beforeOffset === afterOffset) {
    const offset = zone.offsetAt(localSeconds - beforeOffset);
    if (offset === beforeOffset) return offset;
  }
  // Find the first instant at which the later offset is in effect.
  let low = localSeconds - 86_400;
  let high = localSeconds + 86_400;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (zone.offsetAt(mid) === beforeOffset) low = mid;
    else high = mid;
  }
  const boundary = high;
  const after = zone.offsetAt(boundary);
  const beforeTime = localSeconds - beforeOffset;
  const afterTime = localSeconds - after;
  if (beforeTime < boundary && afterTime < boundary) return beforeOffset;
  if (beforeTime >= boundary && afterTime >= boundary) return after;
  return beforeTime > afterTime ? beforeOffset : after;
}
