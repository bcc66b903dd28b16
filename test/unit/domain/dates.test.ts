import { describe, expect, it } from 'vitest';
import {
  addDays,
  calendarDateSchema,
  dayOfWeek,
  daysBetween,
  localDateOf,
  localTimeOf,
  timeZoneSchema,
  zonedTimeToInstant,
} from '../../../domain/dates.js';

describe('calendar date schema', () => {
  it('accepts existing days', () => {
    expect(calendarDateSchema.parse('2024-02-29')).toBe('2024-02-29');
    expect(calendarDateSchema.parse('2025-12-31')).toBe('2025-12-31');
  });

  it('rejects impossible days naming them', () => {
    for (const text of ['2025-02-30', '2025-02-29', '2025-13-01', '2025-04-31', '2025-00-10']) {
      const result = calendarDateSchema.safeParse(text);
      expect(result.success, text).toBe(false);
      expect(result.error?.issues[0]?.message).toContain(`"${text}"`);
    }
  });

  it('rejects other formats', () => {
    for (const text of ['2025-2-3', '03/02/2025', '2025-02-03T00:00:00Z', '']) {
      expect(calendarDateSchema.safeParse(text).success, text).toBe(false);
    }
  });
});

describe('date arithmetic', () => {
  it('adds days across months and years', () => {
    expect(addDays('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-04-16', 45)).toBe('2025-05-31');
  });

  it('counts days between dates', () => {
    expect(daysBetween('2025-01-31', '2025-02-05')).toBe(5);
    expect(daysBetween('2025-02-05', '2025-01-31')).toBe(-5);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('gives ISO days of week', () => {
    expect(dayOfWeek('2025-04-21')).toBe(1);
    expect(dayOfWeek('2025-04-16')).toBe(3);
    expect(dayOfWeek('2025-05-31')).toBe(6);
    expect(dayOfWeek('2025-06-01')).toBe(7);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('1969-12-28')).toBe(7);
  });

  it('rejects invalid dates in arithmetic', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(/"2025-02-30"/);
  });
});

describe('time zone schema', () => {
  it('accepts IANA names', () => {
    expect(timeZoneSchema.parse('Europe/Paris')).toBe('Europe/Paris');
    expect(timeZoneSchema.parse('UTC')).toBe('UTC');
  });

  it('rejects unknown names naming them', () => {
    const result = timeZoneSchema.safeParse('Europe/Atlantis');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"Europe/Atlantis"');
  });
});

describe('localDateOf', () => {
  it('uses the given zone', () => {
    expect(localDateOf('2025-02-04T21:00:00Z', 'Australia/Sydney')).toBe('2025-02-05');
    expect(localDateOf('2025-02-04T21:00:00Z', 'Europe/Paris')).toBe('2025-02-04');
    expect(localDateOf(new Date('2025-04-05T06:59:00Z'), 'America/Los_Angeles')).toBe('2025-04-04');
    expect(localTimeOf('2025-02-04T21:00:00Z', 'Australia/Sydney')).toBe('08:00');
  });

  it('rejects an invalid instant', () => {
    expect(() => localDateOf('yesterday', 'Europe/Paris')).toThrow(/"yesterday"/);
  });
});

describe('zonedTimeToInstant', () => {
  it('converts ordinary local times', () => {
    expect(zonedTimeToInstant('2025-02-05', '08:00', 'Australia/Sydney').toISOString()).toBe('2025-02-04T21:00:00.000Z');
    expect(zonedTimeToInstant('2025-04-05', '08:00', 'America/Los_Angeles').toISOString()).toBe('2025-04-05T15:00:00.000Z');
    expect(zonedTimeToInstant('2025-01-15', '09:00', 'Asia/Kolkata').toISOString()).toBe('2025-01-15T03:30:00.000Z');
  });

  it('handles Paris spring forward', () => {
    // 2025-03-30: clocks go from 02:00 CET to 03:00 CEST (01:00Z).
    expect(zonedTimeToInstant('2025-03-30', '09:00', 'Europe/Paris').toISOString()).toBe('2025-03-30T07:00:00.000Z');
    expect(zonedTimeToInstant('2025-03-30', '01:59', 'Europe/Paris').toISOString()).toBe('2025-03-30T00:59:00.000Z');
    expect(zonedTimeToInstant('2025-03-30', '02:30', 'Europe/Paris').toISOString()).toBe('2025-03-30T01:00:00.000Z');
    expect(zonedTimeToInstant('2025-03-30', '03:00', 'Europe/Paris').toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('handles Paris fall back', () => {
    // 2025-10-26: 02:00-02:59 happens twice, first at CEST (+02:00), then at CET (+01:00).
    expect(zonedTimeToInstant('2025-10-26', '09:00', 'Europe/Paris').toISOString()).toBe('2025-10-26T08:00:00.000Z');
    expect(zonedTimeToInstant('2025-10-26', '02:30', 'Europe/Paris').toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(zonedTimeToInstant('2025-10-26', '03:00', 'Europe/Paris').toISOString()).toBe('2025-10-26T02:00:00.000Z');
  });

  it('handles southern hemisphere changes', () => {
    // Sydney 2025-10-05: 02:00 AEST jumps to 03:00 AEDT; 2025-04-06: 02:00-02:59 repeats.
    expect(zonedTimeToInstant('2025-10-05', '02:30', 'Australia/Sydney').toISOString()).toBe('2025-10-04T16:00:00.000Z');
    expect(zonedTimeToInstant('2025-04-06', '02:30', 'Australia/Sydney').toISOString()).toBe('2025-04-05T15:30:00.000Z');
  });

  it('rejects malformed local times', () => {
    expect(() => zonedTimeToInstant('2025-03-30', '9:00', 'Europe/Paris')).toThrow(/"9:00"/);
    expect(() => zonedTimeToInstant('2025-03-30', '09:00', 'Mars/Olympus')).toThrow(/"Mars\/Olympus"/);
  });
});
