/**
 * Calendar arithmetic against JavaScript's proleptic Gregorian Date, and PostgreSQL's rules for
 * local times that a daylight-saving change skips or repeats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, isoWeek } from './calendar.js';
import { formatDate, formatTimestamptz, parseTimestamptz } from './datetime-io.js';
import { findTimeZone, offsetForLocal } from './time-zone.js';
import { defaultTypeContext } from '../type-context.js';

describe('calendar', () => {
  it('matches the proleptic Gregorian calendar of JavaScript dates', () => {
    fc.assert(fc.property(fc.integer({ min: -3_000_000, max: 3_000_000 }), (days) => {
      const date = new Date(days * 86_400_000);
      const civil = civilFromDays(days);
      return civil.year === date.getUTCFullYear() && civil.month === date.getUTCMonth() + 1 && civil.day === date.getUTCDate() &&
        daysFromCivil(civil.year, civil.month, civil.day) === days;
    }));
  });

  it('prints years before 1 AD as BC, year 0 being 1 BC', () => {
    expect(formatDate(daysFromCivil(0, 1, 1))).toBe('0001-01-01 BC');
    expect(formatDate(daysFromCivil(-43, 3, 15))).toBe('0044-03-15 BC');
  });

  it('numbers ISO weeks from the week holding January 4th', () => {
    expect(isoWeek(daysFromCivil(2021, 1, 1))).toEqual({ isoYear: 2020, week: 53 });
    expect(isoWeek(daysFromCivil(2024, 12, 30))).toEqual({ isoYear: 2025, week: 1 });
  });
});

describe('time zones', () => {
  const newYork = findTimeZone('America/New_York');
  if (newYork === undefined) throw new Error('no America/New_York zone');
  const ctx = defaultTypeContext({ timeZone: newYork });

  it('read a skipped local time with the offset before the change, a repeated one with the offset after', () => {
    // DetermineTimeZoneOffset: "In a spring-forward transition, prefer the 'before'
    // interpretation; in a fall-back transition, prefer 'after'."
    expect(formatTimestamptz(parseTimestamptz('2018-03-11 02:30', -1, ctx), newYork)).toBe('2018-03-11 03:30:00-04');
    expect(formatTimestamptz(parseTimestamptz('2018-11-04 01:30', -1, ctx), newYork)).toBe('2018-11-04 01:30:00-05');
    expect(offsetForLocal(newYork, Date.UTC(2024, 6, 1) / 1000)).toBe(-4 * 3600);
  });

  it('print offsets with minutes and seconds only when they are not zero', () => {
    expect(formatTimestamptz(parseTimestamptz('1850-01-01 00:00:00+00', -1, ctx), newYork)).toBe('1849-12-31 19:03:58-04:56:02');
    const kolkata = findTimeZone('Asia/Kolkata');
    expect(kolkata && formatTimestamptz(0n, kolkata)).toBe('1970-01-01 05:30:00+05:30');
  });
});
