import type { ScenarioInput } from '../../domain/scenario.js';

/**
 * Builds a demo scenario counted in minutes, any day and hour: its steps run at the case
 * start plus each offset. Later steps keep the cases asleep while a test breaks the processes.
 */
export function faultScenario(id: string, steps: ScenarioInput['steps']): ScenarioInput {
  return {
    id,
    version: 1,
    name: { fr: 'Démo', en: 'Demo' },
    mode: 'demo',
    calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '00:00', end: '23:59' }, nonBusinessDayRule: 'next_business_day' },
    steps,
  };
}

/** Invoice fields shared by the fault tests: 640.00 EUR, overdue since June 2025. */
export const OVERDUE_INVOICE = { currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' } as const;
