import { scenarioSchema, type Scenario } from './scenario.js';

/**
 * The usual French dunning ladder: courtesy notice at J-5, two e-mails, a call, the
 * formal notice by registered letter, then a legal hand-off at J+60.
 */
export const DEFAULT_SCENARIO: Scenario = scenarioSchema.parse({
  id: 'default-fr',
  version: 1,
  name: { fr: 'Relance standard', en: 'Standard dunning' },
  mode: 'production',
  steps: [
    { key: 'courtesy', offsetDays: -5, channel: 'email', templateKey: 'courtesy', tone: 'courtesy' },
    { key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
    { key: 'r2', offsetDays: 15, channel: 'email', templateKey: 'reminder', tone: 'firm', claimsPenalties: true, fallbackChannel: 'letter' },
    { key: 'r3', offsetDays: 30, channel: 'phone', templateKey: 'call', tone: 'firm', claimsPenalties: true },
    { key: 'r4', offsetDays: 45, channel: 'registered_letter', templateKey: 'formal-notice', tone: 'formal_notice', claimsPenalties: true },
    { key: 'r5', offsetDays: 60, channel: 'legal_handoff', templateKey: 'legal-handoff', tone: 'formal_notice', claimsPenalties: true, requiresConfirmation: true },
  ],
  calendar: {
    businessDaysOnly: true,
    holidays: 'FR',
    sendWindow: { start: '09:00', end: '17:00' },
    nonBusinessDayRule: 'next_business_day',
  },
  promise: { graceDays: 3, maxHorizonDays: 60 },
  residualToleranceMinor: 10,
  catchUp: 'matching_step',
});
