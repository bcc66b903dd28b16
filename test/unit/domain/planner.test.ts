import { describe, expect, it } from 'vitest';
import { nextSendSlot, nextStep, planSteps, type PlanInput } from '../../../domain/planner.js';
import { calendarSettingsSchema, type ScenarioInput } from '../../../domain/scenario.js';

const PARIS_LADDER: ScenarioInput = {
  id: 'paris-ladder',
  version: 1,
  name: { fr: 'Relance', en: 'Dunning' },
  steps: [
    { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
    { key: 'r2', offsetDays: 15, channel: 'email', templateKey: 'reminder', tone: 'firm' },
    { key: 'r3', offsetDays: 30, channel: 'phone', templateKey: 'call', tone: 'firm' },
    { key: 'r4', offsetDays: 45, channel: 'registered_letter', templateKey: 'formal-notice', tone: 'formal_notice' },
  ],
  calendar: { businessDaysOnly: true, holidays: 'FR', sendWindow: { start: '09:00', end: '17:00' } },
};

function parisInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    scenario: PARIS_LADDER,
    dueDate: '2025-04-16',
    timeZone: 'Europe/Paris',
    caseStartedAt: '2025-04-10T08:00:00Z',
    now: '2025-04-10T08:00:00Z',
    doneStepKeys: [],
    skippedStepKeys: [],
    customer: { isBusiness: true },
    balanceDueMinor: 150000,
    ...overrides,
  };
}

function summary(input: PlanInput) {
  return planSteps(input).map(({ stepKey, localDate, status, reason }) => ({ stepKey, localDate, status, reason }));
}

describe('planSteps on the French calendar', () => {
  it('moves Paris steps off holidays', () => {
    const plan = planSteps(parisInput());

    // J+5 is Easter Monday 2025-04-21, J+15 is 1 May, J+45 is Saturday 2025-05-31.
    expect(plan.map((step) => step.localDate)).toEqual(['2025-04-22', '2025-05-02', '2025-05-16', '2025-06-02']);
    expect(plan.map((step) => step.scheduledAt)).toEqual([
      '2025-04-22T07:00:00.000Z',
      '2025-05-02T07:00:00.000Z',
      '2025-05-16T07:00:00.000Z',
      '2025-06-02T07:00:00.000Z',
    ]);
    expect(plan.map((step) => step.status)).toEqual(['planned', 'planned', 'planned', 'planned']);
    expect(plan.map((step) => step.daysOverdue)).toEqual([6, 16, 30, 47]);
    expect(plan[3]?.channel).toBe('registered_letter');
    expect(plan[3]?.tone).toBe('formal_notice');
  });

  it('moves back with previous rule', () => {
    const scenario = { ...PARIS_LADDER, calendar: { ...PARIS_LADDER.calendar, nonBusinessDayRule: 'previous_business_day' } };
    const plan = planSteps(parisInput({ scenario: scenario as ScenarioInput }));

    // Easter Monday goes back to Friday 18 April, 1 May to 30 April, Saturday 31 May to 30 May.
    expect(plan.map((step) => step.localDate)).toEqual(['2025-04-18', '2025-04-30', '2025-05-16', '2025-05-30']);
  });

  it('keeps reminders after due date', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [{ key: 'r1', offsetDays: 1, channel: 'email', templateKey: 'reminder', tone: 'friendly' }],
      calendar: { ...PARIS_LADDER.calendar, nonBusinessDayRule: 'previous_business_day' },
    };

    // Due Friday 2025-05-30: J+1 is Saturday, and the previous business day is the due date itself.
    const plan = planSteps(parisInput({ scenario, dueDate: '2025-05-30', now: '2025-05-20T08:00:00Z' }));
    expect(plan[0]?.localDate).toBe('2025-06-02');
  });

  it('keeps courtesy notices before due date', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [{ key: 'courtesy', offsetDays: -1, channel: 'email', templateKey: 'courtesy', tone: 'courtesy' }],
    };

    // Due Sunday 2025-06-01: J-1 is Saturday, and the next business day, Monday, is after the due date.
    const plan = planSteps(parisInput({ scenario, dueDate: '2025-06-01', now: '2025-05-20T08:00:00Z' }));
    expect(plan[0]?.localDate).toBe('2025-05-30');
    expect(plan[0]?.status).toBe('planned');
  });

  it('keeps one contact per day', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [
        { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
        { key: 'r2', offsetDays: 6, channel: 'email', templateKey: 'reminder', tone: 'firm' },
        { key: 'r3', offsetDays: 8, channel: 'legal_handoff', templateKey: 'handoff', tone: 'formal_notice' },
        { key: 'r4', offsetDays: 10, channel: 'phone', templateKey: 'call', tone: 'firm' },
      ],
    };

    // Due Monday 2025-05-26: J+5 Saturday and J+6 Sunday both roll to Monday 2 June, so
    // r2 moves to Tuesday 3 June. The internal hand-off (J+8) may share that day, and r4
    // stays on its anchored Thursday 5 June: nothing drifts.
    const plan = planSteps(parisInput({ scenario, dueDate: '2025-05-26', now: '2025-05-20T08:00:00Z' }));
    expect(plan.map((step) => step.localDate)).toEqual(['2025-06-02', '2025-06-03', '2025-06-03', '2025-06-05']);
  });

  it('pushes a colliding call too', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [
        { key: 'r1', offsetDays: 6, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
        { key: 'r2', offsetDays: 7, channel: 'phone', templateKey: 'call', tone: 'firm' },
      ],
    };

    // Due Monday 2025-05-26: J+6 Sunday rolls to Monday 2 June, the J+7 call follows on Tuesday.
    const plan = planSteps(parisInput({ scenario, dueDate: '2025-05-26', now: '2025-05-20T08:00:00Z' }));
    expect(plan.map((step) => step.localDate)).toEqual(['2025-06-02', '2025-06-03']);
  });
});

describe('planSteps around daylight saving', () => {
  function dstInput(dueDate: string, sendAt: string): PlanInput {
    return parisInput({
      scenario: {
        ...PARIS_LADDER,
        steps: [{ key: 'r1', offsetDays: 1, channel: 'email', templateKey: 'reminder', tone: 'friendly' }],
        calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: sendAt, end: '17:00' } },
      },
      dueDate,
      now: '2025-03-01T00:00:00Z',
    });
  }

  it('plans 09:00 on change days', () => {
    // 2025-03-30 09:00 CEST (+02:00) and 2025-10-26 09:00 CET (+01:00).
    expect(planSteps(dstInput('2025-03-29', '09:00'))[0]?.scheduledAt).toBe('2025-03-30T07:00:00.000Z');
    expect(planSteps(dstInput('2025-10-25', '09:00'))[0]?.scheduledAt).toBe('2025-10-26T08:00:00.000Z');
  });

  it('resolves 02:30 on change days', () => {
    // Spring forward: 02:30 does not exist and moves to 03:00 CEST, 01:00Z.
    const spring = planSteps(dstInput('2025-03-29', '02:30'))[0];
    expect(spring?.scheduledAt).toBe('2025-03-30T01:00:00.000Z');
    expect(spring?.localDate).toBe('2025-03-30');

    // Fall back: 02:30 happens twice and takes the first, 02:30 CEST, 00:30Z.
    const autumn = planSteps(dstInput('2025-10-25', '02:30'))[0];
    expect(autumn?.scheduledAt).toBe('2025-10-26T00:30:00.000Z');
    expect(autumn?.localDate).toBe('2025-10-26');
  });
});

describe('planSteps conditions and statuses', () => {
  it('skips steps whose conditions fail', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [
        { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
        { key: 'r2', offsetDays: 15, channel: 'email', templateKey: 'reminder', tone: 'firm', conditions: { minBalanceMinor: 200000 } },
        { key: 'r3', offsetDays: 30, channel: 'phone', templateKey: 'call', tone: 'firm', conditions: { segments: ['key-accounts'] } },
        { key: 'r4', offsetDays: 45, channel: 'registered_letter', templateKey: 'formal-notice', tone: 'formal_notice', conditions: { businessOnly: true } },
      ],
    };

    const plan = summary(parisInput({ scenario, customer: { isBusiness: false, segment: 'retail' }, balanceDueMinor: 150000 }));
    expect(plan.map((step) => [step.status, step.reason])).toEqual([
      ['planned', undefined],
      ['skipped', 'balance_below_minimum'],
      ['skipped', 'segment_not_targeted'],
      ['skipped', 'business_customers_only'],
    ]);
  });

  it('runs steps whose conditions hold', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      steps: [
        { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly', conditions: { minBalanceMinor: 150000, segments: ['retail'], businessOnly: true } },
      ],
    };
    const plan = summary(parisInput({ scenario, customer: { isBusiness: true, segment: 'retail' } }));
    expect(plan[0]?.status).toBe('planned');
  });

  it('marks done and operator skips', () => {
    const plan = summary(parisInput({ doneStepKeys: ['r1'], skippedStepKeys: ['r2'], now: '2025-04-23T08:00:00Z' }));
    expect(plan.map((step) => [step.stepKey, step.status, step.reason])).toEqual([
      ['r1', 'done', undefined],
      ['r2', 'skipped', 'skipped_by_operator'],
      ['r3', 'planned', undefined],
      ['r4', 'planned', undefined],
    ]);
  });

  it('misses steps behind a done step', () => {
    const plan = summary(parisInput({ doneStepKeys: ['r3'], now: '2025-05-16T08:00:00Z' }));
    expect(plan.map((step) => [step.status, step.reason])).toEqual([
      ['missed', 'superseded_by_later_step'],
      ['missed', 'superseded_by_later_step'],
      ['done', undefined],
      ['planned', undefined],
    ]);
  });

  it('marks the current step due', () => {
    // r2's slot opened at 09:00 Paris (07:00Z) on 2025-05-02 and the window is still open.
    const plan = planSteps(parisInput({ doneStepKeys: ['r1'], now: '2025-05-02T07:00:05Z' }));
    expect(plan[1]?.status).toBe('due');
    expect(plan[1]?.scheduledAt).toBe('2025-05-02T07:00:00.000Z');
    expect(nextStep(plan)?.stepKey).toBe('r2');
  });

  it('rejects unknown step keys', () => {
    expect(() => planSteps(parisInput({ doneStepKeys: ['r9'] }))).toThrow(/"r9" in doneStepKeys/);
  });

  it('returns no next step when finished', () => {
    const plan = planSteps(parisInput({ doneStepKeys: ['r4'], now: '2025-06-03T08:00:00Z' }));
    expect(nextStep(plan)).toBeUndefined();
  });
});

describe('planSteps catch-up', () => {
  // Tuesday 2025-05-20 12:00 Paris: r1 (22 April) and r2 (2 May) and r3 (16 May) have passed.
  const lateStart = { caseStartedAt: '2025-05-20T10:00:00Z', now: '2025-05-20T10:00:00Z' };

  it('matching step runs the latest', () => {
    const plan = planSteps(parisInput({ ...lateStart, scenario: { ...PARIS_LADDER, catchUp: 'matching_step' } }));
    expect(plan.map((step) => [step.stepKey, step.status, step.reason])).toEqual([
      ['r1', 'missed', 'caught_up_by_later_step'],
      ['r2', 'missed', 'caught_up_by_later_step'],
      ['r3', 'due', undefined],
      ['r4', 'planned', undefined],
    ]);
    expect(plan[2]?.scheduledAt).toBe('2025-05-20T10:00:00.000Z');
    expect(plan[3]?.localDate).toBe('2025-06-02');
  });

  it('first step runs one per slot', () => {
    const plan = planSteps(parisInput({ ...lateStart, scenario: { ...PARIS_LADDER, catchUp: 'first_step' } }));
    expect(plan.map((step) => [step.stepKey, step.status, step.localDate])).toEqual([
      ['r1', 'due', '2025-05-20'],
      ['r2', 'planned', '2025-05-21'],
      ['r3', 'planned', '2025-05-22'],
      ['r4', 'planned', '2025-06-02'],
    ]);
    expect(plan[0]?.scheduledAt).toBe('2025-05-20T10:00:00.000Z');
    expect(plan[1]?.scheduledAt).toBe('2025-05-21T07:00:00.000Z');
  });

  it('waits for the next window', () => {
    // Friday 2025-05-30 at 18:30 Paris, after the window: the next slot is Monday 9:00.
    const plan = planSteps(parisInput({ now: '2025-05-30T16:30:00Z', caseStartedAt: '2025-05-30T16:30:00Z' }));
    expect(plan[2]?.status).toBe('planned');
    expect(plan[2]?.scheduledAt).toBe('2025-06-02T07:00:00.000Z');

    // r4 anchored on the same Monday moves to Tuesday.
    expect(plan[3]?.localDate).toBe('2025-06-03');
  });

  it('avoids the last contact day', () => {
    const plan = planSteps(
      parisInput({
        scenario: { ...PARIS_LADDER, catchUp: 'first_step' },
        doneStepKeys: ['r1'],
        lastCustomerContactAt: '2025-05-20T10:00:00Z',
        now: '2025-05-20T10:05:00Z',
      }),
    );
    expect(plan[1]?.status).toBe('planned');
    expect(plan[1]?.localDate).toBe('2025-05-21');
  });

  it('drops a courtesy notice after due', () => {
    const scenario: ScenarioInput = {
      ...PARIS_LADDER,
      catchUp: 'first_step',
      steps: [
        { key: 'courtesy', offsetDays: -5, channel: 'email', templateKey: 'courtesy', tone: 'courtesy' },
        ...PARIS_LADDER.steps,
      ],
    };
    const plan = summary(parisInput({ scenario, now: '2025-04-17T08:00:00Z' }));
    expect(plan[0]).toEqual({ stepKey: 'courtesy', localDate: '2025-04-11', status: 'missed', reason: 'due_date_passed' });
    expect(plan[1]?.status).toBe('planned');
  });
});

describe('planSteps demo minutes', () => {
  const demo: ScenarioInput = {
    id: 'demo',
    version: 1,
    name: { fr: 'Démo', en: 'Demo' },
    mode: 'demo',
    steps: [
      { key: 'r1', offsetMinutes: 1, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
      { key: 'r2', offsetMinutes: 3, channel: 'email', templateKey: 'reminder', tone: 'firm' },
    ],
  };

  it('anchors minutes on case start', () => {
    // A Sunday night: demo steps ignore the calendar and the window.
    const plan = planSteps(parisInput({ scenario: demo, caseStartedAt: '2025-06-01T21:00:00Z', now: '2025-06-01T21:00:00Z' }));
    expect(plan.map((step) => step.scheduledAt)).toEqual(['2025-06-01T21:01:00.000Z', '2025-06-01T21:03:00.000Z']);
  });

  it('catches up one per minute', () => {
    const plan = planSteps(
      parisInput({ scenario: { ...demo, catchUp: 'first_step' }, caseStartedAt: '2025-06-01T21:00:00Z', now: '2025-06-01T21:10:00Z' }),
    );
    expect(plan.map((step) => [step.status, step.scheduledAt])).toEqual([
      ['due', '2025-06-01T21:10:00.000Z'],
      ['planned', '2025-06-01T21:11:00.000Z'],
    ]);
  });
});

describe('nextSendSlot', () => {
  const calendar = calendarSettingsSchema.parse({});

  it('returns an instant inside the window', () => {
    expect(nextSendSlot('2025-05-20T10:00:00Z', 'Europe/Paris', calendar).toISOString()).toBe('2025-05-20T10:00:00.000Z');
  });

  it('returns the window start before it', () => {
    expect(nextSendSlot('2025-05-20T05:00:00Z', 'Europe/Paris', calendar).toISOString()).toBe('2025-05-20T07:00:00.000Z');
  });

  it('skips to the next business day', () => {
    // 17:00 Paris is the exclusive end; the Ascension holiday 29 May 2025 is skipped too.
    expect(nextSendSlot('2025-05-28T15:00:00Z', 'Europe/Paris', calendar).toISOString()).toBe('2025-05-30T07:00:00.000Z');
    expect(nextSendSlot('2025-05-31T10:00:00Z', 'Europe/Paris', calendar).toISOString()).toBe('2025-06-02T07:00:00.000Z');
  });
});
