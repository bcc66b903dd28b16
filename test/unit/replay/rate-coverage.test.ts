import { describe, expect, it } from 'vitest';

import { loadLatePaymentRateTable } from '../../../config/rates/late-payment-rates.js';
import { DEFAULT_SCENARIO } from '../../../domain/default-scenario.js';
import { checkRateCoverage, withoutPenalties } from '../../../replay/seed.js';

const table = loadLatePaymentRateTable();

describe('replay rate coverage', () => {
  it('rejects penalties before the table', () => {
    expect(() => checkRateCoverage(DEFAULT_SCENARIO, ['2013-02-01'], '2013-09-30', table)).toThrow(/no rates for 2013-H1, 2013-H2: .*--no-penalties/);
  });

  it('accepts dates the table covers', () => {
    expect(() => checkRateCoverage(DEFAULT_SCENARIO, ['2024-02-01'], '2024-09-30', table)).not.toThrow();
  });

  it('replays old histories without penalties', () => {
    const scenario = withoutPenalties(DEFAULT_SCENARIO);

    expect(scenario.id).toBe(`${DEFAULT_SCENARIO.id}-no-penalties`);
    expect(scenario.steps.map((step) => step.key)).toEqual(DEFAULT_SCENARIO.steps.map((step) => step.key));
    expect(scenario.steps.some((step) => step.claimsPenalties)).toBe(false);
    expect(() => checkRateCoverage(scenario, ['2013-02-01'], '2013-09-30', table)).not.toThrow();
  });
});
