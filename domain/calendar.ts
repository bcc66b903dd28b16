import type { CalendarSettings } from './scenario.js';
import { addDays, dayOfWeek, type CalendarDate } from './dates.js';

// Business days: French public holidays (Code du travail L3133-1) and weekends.

export interface PublicHoliday {
  date: CalendarDate;
  name: { fr: string; en: string };
}

/** The calendar settings that decide which days are business days. */
export type BusinessDaySettings = Pick<CalendarSettings, 'businessDaysOnly' | 'holidays'>;

/** Any run of weekend and holiday days is far shorter than this, so a search that reaches it has a bug. */
const MAX_SEARCH_DAYS = 14;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDate {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`invalid year ${year}: Easter is computed for Gregorian years 1583 to 9999`);
  }

  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;

  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * Lists the eleven French public holidays of a year, in date order. Alsace-Moselle's Good
 * Friday and 26 December are not included.
 */
export function frenchPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const holidays: PublicHoliday[] = [
    { date: `${year}-01-01`, name: { fr: "Jour de l'an", en: "New Year's Day" } },
    { date: addDays(easter, 1), name: { fr: 'Lundi de Pâques', en: 'Easter Monday' } },
    { date: `${year}-05-01`, name: { fr: 'Fête du Travail', en: 'Labour Day' } },
    { date: `${year}-05-08`, name: { fr: 'Victoire 1945', en: 'Victory in Europe Day' } },
    { date: addDays(easter, 39), name: { fr: 'Ascension', en: 'Ascension Day' } },
    { date: addDays(easter, 50), name: { fr: 'Lundi de Pentecôte', en: 'Whit Monday' } },
    { date: `${year}-07-14`, name: { fr: 'Fête nationale', en: 'Bastille Day' } },
    { date: `${year}-08-15`, name: { fr: 'Assomption', en: 'Assumption Day' } },
    { date: `${year}-11-01`, name: { fr: 'Toussaint', en: "All Saints' Day" } },
    { date: `${year}-11-11`, name: { fr: 'Armistice 1918', en: 'Armistice Day' } },
    { date: `${year}-12-25`, name: { fr: 'Noël', en: 'Christmas Day' } },
  ];
  return holidays.sort((left, right) => left.date.localeCompare(right.date));
}

// A year's holidays are computed once, because the planner tests many days of few years.
const holidayDatesByYear = new Map<number, Set<CalendarDate>>();

export function isFrenchPublicHoliday(date: CalendarDate): boolean {
  const year = Number(date.slice(0, 4));
  let dates = holidayDatesByYear.get(year);
  if (!dates) {
    dates = new Set(frenchPublicHolidays(year).map((holiday) => holiday.date));
    holidayDatesByYear.set(year, dates);
  }
  return dates.has(date);
}

/**
 * Tells whether steps may be sent on this day. With `businessDaysOnly` false every day is a
 * business day. Otherwise Saturdays, Sundays and, with `holidays` 'FR', French public
 * holidays are not.
 */
export function isBusinessDay(date: CalendarDate, settings: BusinessDaySettings): boolean {
  if (!settings.businessDaysOnly) return true;
  if (dayOfWeek(date) >= 6) return false;
  return settings.holidays !== 'FR' || !isFrenchPublicHoliday(date);
}

function searchBusinessDay(date: CalendarDate, step: 1 | -1, settings: BusinessDaySettings): CalendarDate {
  let candidate = addDays(date, step);
  for (let searched = 1; searched <= MAX_SEARCH_DAYS; searched += 1) {
    if (isBusinessDay(candidate, settings)) return candidate;
    candidate = addDays(candidate, step);
  }
  throw new Error(`no business day within ${MAX_SEARCH_DAYS} days of ${date}: check the calendar settings`);
}

/** Returns the first business day strictly after `date`. */
export function nextBusinessDay(date: CalendarDate, settings: BusinessDaySettings): CalendarDate {
  return searchBusinessDay(date, 1, settings);
}

/** Returns the last business day strictly before `date`. */
export function previousBusinessDay(date: CalendarDate, settings: BusinessDaySettings): CalendarDate {
  return searchBusinessDay(date, -1, settings);
}

/**
 * Returns the date itself when it is a business day, otherwise the next or previous
 * business day, following `nonBusinessDayRule`.
 */
export function rollToBusinessDay(
  date: CalendarDate,
  settings: BusinessDaySettings & Pick<CalendarSettings, 'nonBusinessDayRule'>,
): CalendarDate {
  if (isBusinessDay(date, settings)) return date;
  return settings.nonBusinessDayRule === 'previous_business_day'
    ? previousBusinessDay(date, settings)
    : nextBusinessDay(date, settings);
}
