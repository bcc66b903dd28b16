import { z } from 'zod';

// Calendar dates, instants and IANA time zones. Workflow-safe: no clock, no Node
// built-ins, and no result depends on the process's TZ variable, because every
// conversion goes through Date.UTC or Intl with an explicit timeZone.

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** A day in the customer's calendar, 'YYYY-MM-DD', with no time zone attached. */
export type CalendarDate = string;

/** Epoch milliseconds of a UTC midnight; setUTCFullYear keeps years 0-99 literal, unlike Date.UTC. */
function utcMidnight(year: number, monthIndex: number, day: number): number {
  const date = new Date(Date.UTC(2000, monthIndex, day));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function isValidCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;

  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(utcMidnight(year, month, 0)).getUTCDate();
}

export const calendarDateSchema = z.string().superRefine((text, ctx) => {
  if (!isValidCalendarDate(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid calendar date "${text}": expected an existing day as YYYY-MM-DD, for example 2025-02-28`,
    });
  }
});

/** An instant as an ISO 8601 string with an offset or Z, for example 2025-02-04T21:00:00Z. */
export const instantSchema = z.iso.datetime({ offset: true });

export const localTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time as HH:MM, for example 09:00');

export const timeZoneSchema = z.string().superRefine((timeZone, ctx) => {
  if (!isValidTimeZone(timeZone)) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid time zone "${timeZone}": expected an IANA time zone name, for example Europe/Paris`,
    });
  }
});

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function assertCalendarDate(date: CalendarDate): void {
  if (!isValidCalendarDate(date)) {
    throw new RangeError(`invalid calendar date "${date}": expected an existing day as YYYY-MM-DD`);
  }
}

/** Days since 1970-01-01 (negative before it). */
export function toEpochDay(date: CalendarDate): number {
  assertCalendarDate(date);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Math.round(utcMidnight(year, month - 1, day) / MS_PER_DAY);
}

export function fromEpochDay(epochDay: number): CalendarDate {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** ISO 8601 day of the week: 1 is Monday, 7 is Sunday. */
export function dayOfWeek(date: CalendarDate): number {
  // 1970-01-01 was a Thursday (ISO day 4).
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/** Converts an ISO 8601 string or a Date to a Date, rejecting invalid values. */
export function toInstant(instant: Date | string): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`invalid instant "${String(instant)}": expected an ISO 8601 date-time such as 2025-02-04T21:00:00Z`);
  }
  return date;
}

// Building an Intl.DateTimeFormat is slow, so one formatter per time zone is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    if (!isValidTimeZone(timeZone)) {
      throw new RangeError(`invalid time zone "${timeZone}": expected an IANA time zone name, for example Europe/Paris`);
    }
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of an instant in a time zone. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockOf(epochMs: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 0,
    day: fields.day ?? 0,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (Paris in summer: +7,200,000). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wall = wallClockOf(epochMs, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Returns the calendar date that an instant falls on in a time zone. */
export function localDateOf(instant: Date | string, timeZone: string): CalendarDate {
  const wall = wallClockOf(toInstant(instant).getTime(), timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** Returns the local wall-clock time 'HH:MM' of an instant in a time zone. */
export function localTimeOf(instant: Date | string, timeZone: string): string {
  const wall = wallClockOf(toInstant(instant).getTime(), timeZone);
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

/**
 * Converts a local date and 'HH:MM' time in a time zone to the UTC instant.
 * A time skipped by a spring-forward change moves to the first valid instant after the
 * gap (02:30 on 2025-03-30 in Paris gives 03:00 CEST). A time repeated by a fall-back
 * change takes the earlier offset, so the first occurrence.
 */
export function zonedTimeToInstant(date: CalendarDate, localTime: string, timeZone: string): Date {
  assertCalendarDate(date);
  if (!localTimeSchema.safeParse(localTime).success) {
    throw new RangeError(`invalid local time "${localTime}": expected HH:MM, for example 09:00`);
  }

  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = localTime.split(':').map(Number) as [number, number];
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute);

  // The offsets a day before and a day after give the two candidate instants.
  // NOTE: this assumes at most one offset change within a day of the local time, which
  // holds for the daylight-saving rules of current IANA zones.
  const offsetBefore = offsetAt(wallAsUtc - MS_PER_DAY, timeZone);
  const offsetAfter = offsetAt(wallAsUtc + MS_PER_DAY, timeZone);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter]
    .filter((epochMs) => epochMs + offsetAt(epochMs, timeZone) === wallAsUtc)
    .sort((a, b) => a - b);

  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);

  return new Date(firstInstantWithOffset(wallAsUtc - offsetAfter, wallAsUtc - offsetBefore, offsetAfter, timeZone));
}

/** Binary search, to the minute, for the first instant in [low, high] whose offset is `offset`. */
function firstInstantWithOffset(low: number, high: number, offset: number, timeZone: string): number {
  let lowMinute = Math.floor(low / MS_PER_MINUTE);
  let highMinute = Math.ceil(high / MS_PER_MINUTE);
  while (lowMinute < highMinute) {
    const middle = Math.floor((lowMinute + highMinute) / 2);
    if (offsetAt(middle * MS_PER_MINUTE, timeZone) === offset) highMinute = middle;
    else lowMinute = middle + 1;
  }
  return lowMinute * MS_PER_MINUTE;
}
