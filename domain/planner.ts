import { z } from 'zod';
import { isBusinessDay, nextBusinessDay, previousBusinessDay, rollToBusinessDay } from './calendar.js';
import {
  calendarDateSchema,
  daysBetween,
  addDays,
  instantSchema,
  localDateOf,
  timeZoneSchema,
  toInstant,
  zonedTimeToInstant,
  type CalendarDate,
} from './dates.js';
import {
  CUSTOMER_FACING_CHANNELS,
  scenarioSchema,
  type CalendarSettings,
  type Channel,
  type ScenarioStep,
  type Tone,
} from './scenario.js';

// Turns a dunning scenario into dated steps for one case. Pure: the caller passes `now`.

const MS_PER_MINUTE = 60_000;

export const planInputSchema = z.object({
  scenario: scenarioSchema,
  dueDate: calendarDateSchema,
  /** The customer's IANA time zone: day steps are sent in its calendar. */
  timeZone: timeZoneSchema,
  /** Anchor of the offsetMinutes steps of a demo scenario. */
  caseStartedAt: instantSchema,
  now: instantSchema,
  doneStepKeys: z.array(z.string()).default([]),
  skippedStepKeys: z.array(z.string()).default([]),
  customer: z.object({ segment: z.string().min(1).optional(), isBusiness: z.boolean() }),
  balanceDueMinor: z.number().int(),
  /**
   * The last customer-facing send of the case. The next customer-facing step avoids its
   * local day. Without it the planner knows only the anchored dates of done steps, so a
   * step sent late by catch-up could be followed by another on the same day.
   */
  lastCustomerContactAt: instantSchema.optional(),
});
export type PlanInput = z.input<typeof planInputSchema>;

export type StepStatus = 'done' | 'skipped' | 'due' | 'planned' | 'missed';

/** Reason code of a skipped or missed step. */
export type StepReason =
  | 'skipped_by_operator'
  | 'balance_below_minimum'
  | 'segment_not_targeted'
  | 'business_customers_only'
  | 'superseded_by_later_step'
  | 'caught_up_by_later_step'
  | 'due_date_passed';

export interface PlannedStep {
  stepKey: string;
  index: number;
  channel: Channel;
  tone: Tone;
  /** UTC instant, ISO 8601. */
  scheduledAt: string;
  /** The day of `scheduledAt` in the customer's time zone. */
  localDate: CalendarDate;
  /** Days from the due date to `localDate`; negative before the due date. */
  daysOverdue: number;
  status: StepStatus;
  reason?: StepReason;
}

interface Draft {
  step: ScenarioStep;
  index: number;
  at: Date;
  status?: StepStatus;
  reason?: StepReason;
}

/**
 * Returns the next instant inside the send window on a business day, in the customer's
 * time zone: the instant itself when it is inside a window, else the next window's
 * start. The window end is exclusive.
 */
export function nextSendSlot(instant: Date | string, timeZone: string, calendar: CalendarSettings): Date {
  const at = toInstant(instant);
  const date = localDateOf(at, timeZone);

  if (isBusinessDay(date, calendar)) {
    const start = zonedTimeToInstant(date, calendar.sendWindow.start, timeZone);
    const end = zonedTimeToInstant(date, calendar.sendWindow.end, timeZone);
    if (at < start) return start;
    if (at < end) return at;
  }
  return zonedTimeToInstant(nextBusinessDay(date, calendar), calendar.sendWindow.start, timeZone);
}

/** Returns the first step still to run: 'due' now or 'planned' later. */
export function nextStep(plan: readonly PlannedStep[]): PlannedStep | undefined {
  return plan.find((step) => step.status === 'due' || step.status === 'planned');
}

/** Computes the date a day step falls on: due date + offset, moved off non-business days. */
function anchoredDate(step: ScenarioStep, dueDate: CalendarDate, calendar: CalendarSettings): CalendarDate {
  const offsetDays = step.offsetDays ?? 0;
  const date = addDays(dueDate, offsetDays);
  const rolled = rollToBusinessDay(date, calendar);

  // Rolling must keep a reminder after the due date and a courtesy notice before it.
  if (offsetDays > 0 && rolled <= dueDate) return nextBusinessDay(date, calendar);
  if (offsetDays < 0 && rolled > dueDate) return previousBusinessDay(date, calendar);
  return rolled;
}

function markMissed(draft: Draft, reason: StepReason): void {
  draft.status = 'missed';
  draft.reason = reason;
}

function skipReasonOf(step: ScenarioStep, input: z.infer<typeof planInputSchema>): StepReason | undefined {
  if (input.skippedStepKeys.includes(step.key)) return 'skipped_by_operator';

  const conditions = step.conditions;
  if (!conditions) return undefined;
  if (conditions.minBalanceMinor !== undefined && input.balanceDueMinor < conditions.minBalanceMinor) {
    return 'balance_below_minimum';
  }
  if (conditions.segments && !conditions.segments.includes(input.customer.segment ?? '')) return 'segment_not_targeted';
  if (conditions.businessOnly && !input.customer.isBusiness) return 'business_customers_only';
  return undefined;
}

function checkStepKeys(keys: readonly string[], known: ReadonlySet<string>, field: string): void {
  for (const key of keys) {
    if (!known.has(key)) {
      throw new RangeError(`unknown step key "${key}" in ${field}: expected one of ${[...known].join(', ')}`);
    }
  }
}

/**
 * Plans every step of the scenario for one case.
 *
 * A day step fires at the send window's start on due date + offsetDays in the customer's
 * time zone, moved off non-business days by `nonBusinessDayRule`, and later steps stay
 * anchored on the due date. A customer-facing step never shares a local day with the
 * previous one and moves to the next business day instead. Steps whose date passed
 * before `now` catch up by `scenario.catchUp`, at most one step per send slot:
 * 'first_step' sends each of them, from the first, at successive slots; 'matching_step'
 * marks all but the latest 'missed' and sends that one. A step left behind by a later
 * done step is 'missed', and so is a notice before the due date that could only be sent
 * after it. Demo steps (offsetMinutes) count from `caseStartedAt` and ignore the calendar.
 */
export function planSteps(rawInput: PlanInput): PlannedStep[] {
  const input = planInputSchema.parse(rawInput);
  const { scenario, timeZone, dueDate } = input;
  const calendar = scenario.calendar;
  const now = toInstant(input.now);
  const caseStartedAt = toInstant(input.caseStartedAt);

  const knownKeys = new Set(scenario.steps.map((step) => step.key));
  checkStepKeys(input.doneStepKeys, knownKeys, 'doneStepKeys');
  checkStepKeys(input.skippedStepKeys, knownKeys, 'skippedStepKeys');

  const drafts: Draft[] = scenario.steps.map((step, index) => {
    const at =
      step.offsetMinutes !== undefined
        ? new Date(caseStartedAt.getTime() + step.offsetMinutes * MS_PER_MINUTE)
        : zonedTimeToInstant(anchoredDate(step, dueDate, calendar), calendar.sendWindow.start, timeZone);

    if (input.doneStepKeys.includes(step.key)) return { step, index, at, status: 'done' };
    const reason = skipReasonOf(step, input);
    return reason ? { step, index, at, status: 'skipped', reason } : { step, index, at };
  });

  const lastDoneIndex = drafts.findLastIndex((draft) => draft.status === 'done');
  for (const draft of drafts.slice(0, Math.max(lastDoneIndex, 0))) {
    if (!draft.status) markMissed(draft, 'superseded_by_later_step');
  }

  const passed = drafts.filter((draft) => !draft.status && draft.at <= now);
  const caughtUp = new Set(scenario.catchUp === 'matching_step' ? passed.slice(-1) : passed);
  for (const draft of passed) {
    if (!caughtUp.has(draft)) markMissed(draft, 'caught_up_by_later_step');
  }

  placePendingSteps(drafts, caughtUp, input, now);

  return drafts.map((draft) => {
    const localDate = localDateOf(draft.at, timeZone);
    const planned: PlannedStep = {
      stepKey: draft.step.key,
      index: draft.index,
      channel: draft.step.channel,
      tone: draft.step.tone,
      scheduledAt: draft.at.toISOString(),
      localDate,
      daysOverdue: daysBetween(dueDate, localDate),
      status: draft.status ?? (draft.at <= now ? 'due' : 'planned'),
    };
    if (draft.reason) planned.reason = draft.reason;
    return planned;
  });
}

/** Sets the instant of every step without a status, in order: catch-up slots and the one-contact-a-day rule. */
function placePendingSteps(
  drafts: Draft[],
  caughtUp: ReadonlySet<Draft>,
  input: z.infer<typeof planInputSchema>,
  now: Date,
): void {
  const { timeZone, dueDate } = input;
  const calendar = input.scenario.calendar;
  const windowStartOn = (date: CalendarDate): Date => zonedTimeToInstant(date, calendar.sendWindow.start, timeZone);
  const isCustomerFacing = (draft: Draft): boolean => CUSTOMER_FACING_CHANNELS.includes(draft.step.channel);

  let lastContactDate = input.lastCustomerContactAt ? localDateOf(input.lastCustomerContactAt, timeZone) : undefined;
  for (const draft of drafts) {
    if (draft.status === 'done' && draft.step.offsetDays !== undefined && isCustomerFacing(draft)) {
      const doneDate = localDateOf(draft.at, timeZone);
      if (!lastContactDate || doneDate > lastContactDate) lastContactDate = doneDate;
    }
  }

  let slot = nextSendSlot(now, timeZone, calendar);
  let lastPlaced: Date | undefined;

  for (const draft of drafts) {
    if (draft.status) continue;

    if (draft.step.offsetMinutes !== undefined) {
      // Demo steps: a caught-up step runs now, and no two share a minute.
      let at = caughtUp.has(draft) ? now : draft.at;
      if (lastPlaced && at.getTime() < lastPlaced.getTime() + MS_PER_MINUTE) {
        at = new Date(lastPlaced.getTime() + MS_PER_MINUTE);
      }
      draft.at = at;
      lastPlaced = at;
      continue;
    }

    let at = draft.at;
    if (caughtUp.has(draft)) {
      // The step's own slot is still open today: keep its anchored instant.
      const ownSlotOpen = localDateOf(draft.at, timeZone) === localDateOf(slot, timeZone) && draft.at <= slot;
      at = ownSlotOpen ? draft.at : slot;
    }
    if (lastPlaced && at < lastPlaced) at = lastPlaced;

    const facing = isCustomerFacing(draft);
    if (facing && lastContactDate && localDateOf(at, timeZone) <= lastContactDate) {
      at = windowStartOn(nextBusinessDay(lastContactDate, calendar));
    }

    // A notice announcing the due date is pointless once that date has passed.
    if ((draft.step.offsetDays ?? 0) < 0 && localDateOf(at, timeZone) > dueDate) {
      markMissed(draft, 'due_date_passed');
      continue;
    }

    draft.at = at;
    lastPlaced = at;
    if (facing) lastContactDate = localDateOf(at, timeZone);
    if (caughtUp.has(draft)) slot = windowStartOn(nextBusinessDay(localDateOf(at, timeZone), calendar));
  }
}
