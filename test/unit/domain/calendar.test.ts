import { describe, expect, it } from 'vitest';
import {
  easterSunday,
  frenchPublicHolidays,
  isBusinessDay,
  nextBusinessDay,
  previousBusinessDay,
  rollToBusinessDay,
} from '../../../domain/calendar.js';

const FRENCH_CALENDAR = { businessDaysOnly: true, holidays: 'FR', nonBusinessDayRule: 'next_business_day' } as const;

describe('easterSunday', () => {
  it('matches published Easter dates', () => {
    const published: Record<number, string> = {
      1818: '1818-03-22',
      1943: '1943-04-25',
      2000: '2000-04-23',
      2008: '2008-03-23',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2038: '2038-04-25',
    };
    for (const [year, date] of Object.entries(published)) {
      expect(easterSunday(Number(year)), year).toBe(date);
    }
  });

  it('rejects years before 1583', () => {
    expect(() => easterSunday(1500)).toThrow(/1500/);
  });
});

describe('frenchPublicHolidays', () => {
  it('lists the eleven 2025 holidays', () => {
    expect(frenchPublicHolidays(2025).map((holiday) => holiday.date)).toEqual([
      '2025-01-01',
      '2025-04-21',
      '2025-05-01',
      '2025-05-08',
      '2025-05-29',
      '2025-06-09',
      '2025-07-14',
      '2025-08-15',
      '2025-11-01',
      '2025-11-11',
      '2025-12-25',
    ]);
  });

  it('sorts holidays when Ascension meets 8 May', () => {
    // Easter 2008 was on 23 March, so Ascension fell on 1 May and Whit Monday on 12 May.
    const dates = frenchPublicHolidays(2008).map((holiday) => holiday.date);
    expect(dates.slice(1, 6)).toEqual(['2008-03-24', '2008-05-01', '2008-05-01', '2008-05-08', '2008-05-12']);
  });
});

describe('isBusinessDay', () => {
  it('excludes weekends and French holidays', () => {
    expect(isBusinessDay('2025-04-22', FRENCH_CALENDAR)).toBe(true);
    expect(isBusinessDay('2025-04-21', FRENCH_CALENDAR)).toBe(false);
    expect(isBusinessDay('2025-05-31', FRENCH_CALENDAR)).toBe(false);
    expect(isBusinessDay('2025-06-01', FRENCH_CALENDAR)).toBe(false);
  });

  it('ignores holidays without a holiday calendar', () => {
    expect(isBusinessDay('2025-04-21', { ...FRENCH_CALENDAR, holidays: 'none' })).toBe(true);
    expect(isBusinessDay('2025-05-31', { ...FRENCH_CALENDAR, holidays: 'none' })).toBe(false);
  });

  it('counts every day when disabled', () => {
    expect(isBusinessDay('2025-05-31', { ...FRENCH_CALENDAR, businessDaysOnly: false })).toBe(true);
    expect(isBusinessDay('2025-12-25', { ...FRENCH_CALENDAR, businessDaysOnly: false })).toBe(true);
  });
});

describe('business day search', () => {
  it('skips weekends and holidays forward', () => {
    expect(nextBusinessDay('2025-05-30', FRENCH_CALENDAR)).toBe('2025-06-02');
    expect(nextBusinessDay('2025-06-06', FRENCH_CALENDAR)).toBe('2025-06-10');
    expect(nextBusinessDay('2025-12-24', FRENCH_CALENDAR)).toBe('2025-12-26');
  });

  it('skips weekends and holidays backward', () => {
    expect(previousBusinessDay('2025-04-22', FRENCH_CALENDAR)).toBe('2025-04-18');
    expect(previousBusinessDay('2026-01-02', FRENCH_CALENDAR)).toBe('2025-12-31');
  });

  it('rolls by the scenario rule', () => {
    expect(rollToBusinessDay('2025-04-22', FRENCH_CALENDAR)).toBe('2025-04-22');
    expect(rollToBusinessDay('2025-05-31', FRENCH_CALENDAR)).toBe('2025-06-02');
    expect(rollToBusinessDay('2025-05-31', { ...FRENCH_CALENDAR, nonBusinessDayRule: 'previous_business_day' })).toBe(
      '2025-05-30',
    );
  });
});
