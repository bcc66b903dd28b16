import { describe, expect, it } from 'vitest';
import { loadLatePaymentRateTable } from '../../../config/rates/late-payment-rates.js';
import {
  contractualRateFloorBasisPoints,
  halfYearOf,
  latePaymentRateTableSchema,
  ratesForHalfYear,
  statutoryPenaltyRateBasisPoints,
} from '../../../domain/rates.js';

describe('late-payment rate table', () => {
  const table = loadLatePaymentRateTable();

  it('covers 2023-H1 to 2026-H2', () => {
    expect(table.halfYears.map((entry) => entry.halfYear)).toEqual([
      '2023-H1',
      '2023-H2',
      '2024-H1',
      '2024-H2',
      '2025-H1',
      '2025-H2',
      '2026-H1',
      '2026-H2',
    ]);
  });

  it('gives the 2026-H1 rates', () => {
    const rates = ratesForHalfYear(table, '2026-H1');
    expect(statutoryPenaltyRateBasisPoints(rates)).toBe(1215);
    expect(contractualRateFloorBasisPoints(rates)).toBe(786);
  });

  it('flags unverified figures with notes', () => {
    expect(ratesForHalfYear(table, '2026-H2').note).toMatch(/Banque de France/);
  });

  it('rejects duplicate half-years', () => {
    const entry = { halfYear: '2025-H1', ecbMainRefinancingRatePercent: 3.15, legalInterestRateProfessionalPercent: 3.71, source: 'test' };
    const result = latePaymentRateTableSchema.safeParse({ version: 1, updatedOn: '2025-01-01', halfYears: [entry, entry] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"2025-H1"');
  });

  it('rejects three-decimal percentages', () => {
    const entry = { halfYear: '2025-H1', ecbMainRefinancingRatePercent: 3.155, legalInterestRateProfessionalPercent: 3.71, source: 'test' };
    expect(latePaymentRateTableSchema.safeParse({ version: 1, updatedOn: '2025-01-01', halfYears: [entry] }).success).toBe(false);
  });
});

describe('half-years', () => {
  it('splits the year on 1 July', () => {
    expect(halfYearOf('2025-06-30')).toBe('2025-H1');
    expect(halfYearOf('2025-07-01')).toBe('2025-H2');
  });
});
