import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PlannedStep } from '../../../domain/planner.js';
import { planLosAngelesReminder, planSydneyReminder } from './support/fixed-plans.js';

const PRINT_SCRIPT = fileURLToPath(new URL('./support/print-fixed-plans.ts', import.meta.url));

interface ChildOutput {
  evidence: { resolvedTimeZone: string; januaryOffsetMinutes: number };
  sydney: PlannedStep[];
  losAngeles: PlannedStep[];
}

function planInChildProcess(timeZone: string): ChildOutput {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', PRINT_SCRIPT], {
    env: { ...process.env, TZ: timeZone },
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as ChildOutput;
}

function expectFixedInstants(sydney: PlannedStep[], losAngeles: PlannedStep[]): void {
  // 2025-01-31 + 5 days = 2025-02-05, 08:00 AEDT (UTC+11) = 2025-02-04T21:00Z.
  expect(sydney[0]?.scheduledAt).toBe('2025-02-04T21:00:00.000Z');
  expect(sydney[0]?.localDate).toBe('2025-02-05');
  expect(sydney[0]?.daysOverdue).toBe(5);

  // 2025-03-31 + 5 days = 2025-04-05, a Saturday that counts with the calendar off;
  // 08:00 PDT (UTC-7) = 15:00Z.
  expect(losAngeles[0]?.scheduledAt).toBe('2025-04-05T15:00:00.000Z');
  expect(losAngeles[0]?.localDate).toBe('2025-04-05');
  expect(losAngeles[0]?.daysOverdue).toBe(5);
}

describe('planner across process time zones', () => {
  it('plans Sydney and Los Angeles', () => {
    expectFixedInstants(planSydneyReminder(), planLosAngelesReminder());
  });

  const cases = [
    { timeZone: 'UTC', januaryOffsetMinutes: 0 },
    { timeZone: 'Europe/Paris', januaryOffsetMinutes: -60 },
    { timeZone: 'Asia/Tokyo', januaryOffsetMinutes: -540 },
  ];
  for (const { timeZone, januaryOffsetMinutes } of cases) {
    it(`gives identical instants under TZ=${timeZone}`, () => {
      const output = planInChildProcess(timeZone);

      // The child really ran in that zone: its local clock functions changed.
      expect(output.evidence.resolvedTimeZone).toBe(timeZone);
      expect(output.evidence.januaryOffsetMinutes).toBe(januaryOffsetMinutes);

      expectFixedInstants(output.sydney, output.losAngeles);
    });
  }
});
