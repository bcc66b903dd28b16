import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDateOf, localTimeOf, zonedTimeToInstant } from '../../../domain/dates.js';

const TIME_ZONES = ['Europe/Paris', 'America/Los_Angeles', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Tokyo'];
const MS_PER_MINUTE = 60_000;

function wallClock(epochMs: number, timeZone: string): string {
  return `${localDateOf(new Date(epochMs), timeZone)} ${localTimeOf(new Date(epochMs), timeZone)}`;
}

describe('zonedTimeToInstant round trip', () => {
  it('returns the first matching instant', () => {
    const localDateTime = fc.record({
      // Days from 2024-01-01 over three years, in minutes of the day: every change day is reachable.
      day: fc.integer({ min: 0, max: 3 * 365 }),
      minuteOfDay: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      timeZone: fc.constantFrom(...TIME_ZONES),
    });

    fc.assert(
      fc.property(localDateTime, ({ day, minuteOfDay, timeZone }) => {
        const date = addDays('2024-01-01', day);
        const time = `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
        const wanted = `${date} ${time}`;
        const instant = zonedTimeToInstant(date, time, timeZone).getTime();
        const found = wallClock(instant, timeZone);

        if (found === wanted) {
          // An ambiguous time takes the first occurrence: no earlier instant shows it.
          expect(wallClock(instant - 60 * MS_PER_MINUTE, timeZone)).not.toBe(wanted);
          expect(wallClock(instant - 30 * MS_PER_MINUTE, timeZone)).not.toBe(wanted);
        } else {
          // A skipped time moves to the first instant after the gap.
          expect(found > wanted, `${wanted} gave ${found} in ${timeZone}`).toBe(true);
          expect(wallClock(instant - MS_PER_MINUTE, timeZone) < wanted, `${wanted} in ${timeZone}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('checks change days every five minutes', () => {
    const noonToNoon = (date: string, timeZone: string): number =>
      zonedTimeToInstant(addDays(date, 1), '12:00', timeZone).getTime() - zonedTimeToInstant(date, '12:00', timeZone).getTime();

    for (const timeZone of TIME_ZONES) {
      // A change between noon of one day and noon of the next makes that span shorter or longer than 24 hours.
      const changeDays: string[] = [];
      for (let day = 0; day < 365; day += 1) {
        const date = addDays('2025-01-01', day);
        if (noonToNoon(date, timeZone) !== 24 * 60 * MS_PER_MINUTE) changeDays.push(date, addDays(date, 1));
      }
      expect(changeDays.length, timeZone).toBe(timeZone === 'Asia/Tokyo' ? 0 : 4);

      // Changes happen on the hour or half-hour, so five-minute steps cross each boundary.
      for (const date of changeDays) {
        for (let minuteOfDay = 0; minuteOfDay < 24 * 60; minuteOfDay += 5) {
          const time = `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
          const wanted = `${date} ${time}`;
          const instant = zonedTimeToInstant(date, time, timeZone).getTime();
          const found = wallClock(instant, timeZone);

          if (found === wanted) {
            expect(wallClock(instant - 60 * MS_PER_MINUTE, timeZone), `${wanted} in ${timeZone}`).not.toBe(wanted);
          } else {
            expect(found > wanted, `${wanted} in ${timeZone} gave ${found}`).toBe(true);
            expect(wallClock(instant - MS_PER_MINUTE, timeZone) < wanted, `${wanted} in ${timeZone}`).toBe(true);
          }
        }
      }
    }
  });

  it('resolves every Paris gap minute', () => {
    // Each minute of the skipped hour on 2025-03-30 lands on 03:00 CEST.
    for (let minute = 0; minute < 60; minute += 1) {
      const time = `02:${String(minute).padStart(2, '0')}`;
      expect(zonedTimeToInstant('2025-03-30', time, 'Europe/Paris').toISOString(), time).toBe('2025-03-30T01:00:00.000Z');
    }
  });
});
