import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBusinessDay } from '../../../domain/calendar.js';
import { addDays, localDateOf, localTimeOf } from '../../../domain/dates.js';
import { DEFAULT_SCENARIO } from '../../../domain/default-scenario.js';
import { planSteps } from '../../../domain/planner.js';
import { CUSTOMER_FACING_CHANNELS } from '../../../domain/scenario.js';

const TIME_ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Tokyo', 'Pacific/Auckland'];
const MS_PER_HOUR = 3_600_000;

const planCase = fc.record({
  dueDayOffset: fc.integer({ min: 0, max: 4 * 365 }),
  nowHoursFromDue: fc.integer({ min: -20 * 24, max: 80 * 24 }),
  timeZone: fc.constantFrom(...TIME_ZONES),
  catchUp: fc.constantFrom('first_step' as const, 'matching_step' as const),
  doneCount: fc.integer({ min: 0, max: 3 }),
});

describe('planSteps invariants', () => {
  it('holds for random cases', () => {
    fc.assert(
      fc.property(planCase, ({ dueDayOffset, nowHoursFromDue, timeZone, catchUp, doneCount }) => {
        const dueDate = addDays('2024-01-01', dueDayOffset);
        const now = new Date(Date.parse(`${dueDate}T12:00:00Z`) + nowHoursFromDue * MS_PER_HOUR).toISOString();
        const scenario = { ...DEFAULT_SCENARIO, catchUp };
        const plan = planSteps({
          scenario,
          dueDate,
          timeZone,
          caseStartedAt: now,
          now,
          doneStepKeys: scenario.steps.slice(0, doneCount).map((step) => step.key),
          skippedStepKeys: [],
          customer: { isBusiness: true },
          balanceDueMinor: 100000,
        });
        const pending = plan.filter((step) => step.status === 'due' || step.status === 'planned');

        // At most one step is due, at or before now; planned steps lie after now.
        expect(pending.filter((step) => step.status === 'due').length).toBeLessThanOrEqual(1);
        for (const step of pending) {
          expect(step.status === 'due', `${step.stepKey} ${step.scheduledAt} vs ${now}`).toBe(step.scheduledAt <= now);
        }

        // Pending steps run in scenario order, on business days, inside the send window.
        for (const [position, step] of pending.entries()) {
          const previous = pending[position - 1];
          if (previous) expect(step.scheduledAt >= previous.scheduledAt, step.stepKey).toBe(true);
          expect(isBusinessDay(step.localDate, scenario.calendar), step.localDate).toBe(true);
          expect(localDateOf(step.scheduledAt, timeZone)).toBe(step.localDate);
          const time = localTimeOf(step.scheduledAt, timeZone);
          expect(time >= scenario.calendar.sendWindow.start, time).toBe(true);
          expect(time < scenario.calendar.sendWindow.end, time).toBe(true);
        }

        // No two customer-facing steps still to run share a local day.
        const facingDates = pending
          .filter((step) => CUSTOMER_FACING_CHANNELS.includes(step.channel))
          .map((step) => step.localDate);
        expect(new Set(facingDates).size).toBe(facingDates.length);
      }),
      { numRuns: 300 },
    );
  });
});
