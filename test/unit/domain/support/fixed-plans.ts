import { planSteps } from '../../../../domain/planner.js';
import type { ScenarioInput } from '../../../../domain/scenario.js';

// One-reminder plans with hand-checked instants, built the same way in the test process
// and in child processes, so that a test can compare them across TZ settings.

function oneStepScenario(sendAt: string): ScenarioInput {
  return {
    id: 'one-reminder',
    version: 1,
    name: { fr: 'Une relance', en: 'One reminder' },
    steps: [{ key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' }],
    calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: sendAt, end: '17:00' } },
  };
}

export function planSydneyReminder() {
  return planSteps({
    scenario: oneStepScenario('08:00'),
    dueDate: '2025-01-31',
    timeZone: 'Australia/Sydney',
    caseStartedAt: '2025-01-20T00:00:00Z',
    now: '2025-01-20T00:00:00Z',
    customer: { isBusiness: true },
    balanceDueMinor: 120000,
  });
}

export function planLosAngelesReminder() {
  return planSteps({
    scenario: oneStepScenario('08:00'),
    dueDate: '2025-03-31',
    timeZone: 'America/Los_Angeles',
    caseStartedAt: '2025-03-20T00:00:00Z',
    now: '2025-03-20T00:00:00Z',
    customer: { isBusiness: true },
    balanceDueMinor: 120000,
  });
}

/** Evidence of the zone the process really runs in, read from the process-local clock functions. */
export function processTimeZoneEvidence() {
  return {
    resolvedTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    januaryOffsetMinutes: new Date(Date.UTC(2025, 0, 15, 12)).getTimezoneOffset(),
  };
}
