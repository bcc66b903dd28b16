import { describe, expect, it } from 'vitest';
import { loadLatePaymentRateTable } from '../../../config/rates/late-payment-rates.js';
import { computeLatePaymentClaim, type LatePaymentInput } from '../../../domain/penalties.js';

const rateTable = loadLatePaymentRateTable();

function claimInput(overrides: Partial<LatePaymentInput>): LatePaymentInput {
  return {
    principalMinor: 100000,
    currency: 'EUR',
    dueDate: '2025-01-31',
    asOf: '2025-03-02',
    payments: [],
    customer: { isBusiness: true },
    rateTable,
    ...overrides,
  };
}

describe('computeLatePaymentClaim', () => {
  it('computes a paid invoice by hand', () => {
    // 1,000.00 EUR due 2025-01-31, paid in full on 2025-03-02.
    // Late days: 1 Feb to 2 Mar = 28 + 2 = 30. Rate 2025-H1: ECB 3.15 % + 10 = 13.15 %.
    // 100000 × 0.1315 × 30 / 365 = 3,945,000,000 / 3,650,000 = 1080.82 → 1081 minor units.
    const claim = computeLatePaymentClaim(claimInput({ payments: [{ date: '2025-03-02', amountMinor: 100000 }], asOf: '2025-04-30' }));

    expect(claim.daysLate).toBe(30);
    expect(claim.segments).toHaveLength(1);
    expect(claim.segments[0]?.rateBasisPoints).toBe(1315);
    expect(claim.segments[0]?.rateBasis).toBe('statutory');
    expect(claim.interestMinor).toBe(1081);
    expect(claim.recoveryIndemnity).toEqual({ amountMinor: 4000, currency: 'EUR' });
  });

  it('reduces principal after partial payment', () => {
    // 2,400.00 EUR due 2025-03-10; 1,000.00 paid 2025-03-20, 1,400.00 paid 2025-04-09.
    // 11-20 March: 10 days on 240000. 21 March-9 April: 11 + 9 = 20 days on 140000.
    // 1315 × (240000 × 10 + 140000 × 20) / 3,650,000 = 6,838,000,000 / 3,650,000 = 1873.42 → 1873.
    const claim = computeLatePaymentClaim(
      claimInput({
        principalMinor: 240000,
        dueDate: '2025-03-10',
        asOf: '2025-06-01',
        payments: [
          { date: '2025-04-09', amountMinor: 140000 },
          { date: '2025-03-20', amountMinor: 100000 },
        ],
      }),
    );

    expect(claim.segments[0]?.periods).toEqual([
      { from: '2025-03-11', to: '2025-03-20', days: 10, principalMinor: 240000 },
      { from: '2025-03-21', to: '2025-04-09', days: 20, principalMinor: 140000 },
    ]);
    expect(claim.interestMinor).toBe(1873);
    expect(claim.daysLate).toBe(30);

    // The indemnity is owed once and in full, whatever the partial payments.
    expect(claim.recoveryIndemnity).toEqual({ amountMinor: 4000, currency: 'EUR' });
  });

  it('splits a period across half-years', () => {
    // 5,000.00 EUR due 2025-06-20, still unpaid on 2025-07-10.
    // H1, 21-30 June: 500000 × 1315 × 10 / 3,650,000 = 1801.37 → 1801 (ECB 3.15 % + 10).
    // H2, 1-10 July:  500000 × 1215 × 10 / 3,650,000 = 1664.38 → 1664 (ECB 2.15 % + 10).
    // Each half-year rounds on its own: 1801 + 1664 = 3465, where one rounding of 3465.75 would give 3466.
    const claim = computeLatePaymentClaim(claimInput({ principalMinor: 500000, dueDate: '2025-06-20', asOf: '2025-07-10' }));

    expect(claim.segments.map((segment) => [segment.halfYear, segment.rateBasisPoints, segment.interestMinor])).toEqual([
      ['2025-H1', 1315, 1801],
      ['2025-H2', 1215, 1664],
    ]);
    expect(claim.interestMinor).toBe(3465);
    expect(claim.daysLate).toBe(20);
  });

  it('rounds a half unit up', () => {
    // 50.00 EUR due 2025-07-01, unpaid for 73 days to 2025-09-12 at 12.15 %:
    // 5000 × 1215 × 73 / 3,650,000 = 443,475,000 / 3,650,000 = 121.5 → 122.
    const claim = computeLatePaymentClaim(claimInput({ principalMinor: 5000, dueDate: '2025-07-01', asOf: '2025-09-12' }));
    expect(claim.daysLate).toBe(73);
    expect(claim.interestMinor).toBe(122);
  });

  it('gives consumers no indemnity', () => {
    const claim = computeLatePaymentClaim(
      claimInput({ customer: { isBusiness: false }, payments: [{ date: '2025-03-02', amountMinor: 100000 }] }),
    );
    expect(claim.recoveryIndemnity).toBeNull();
    expect(claim.interestMinor).toBe(0);
    expect(claim.daysLate).toBe(30);
  });

  it('raises a low contractual rate', () => {
    // 10,000.00 EUR due 2026-02-27, paid 2026-03-29: 1 day in February + 29 in March = 30 days.
    // Contract 5 % is below 3 × 2.62 % = 7.86 %, so 7.86 % applies:
    // 1000000 × 786 × 30 / 3,650,000 = 23,580,000,000 / 3,650,000 = 6460.27 → 6460.
    const claim = computeLatePaymentClaim(
      claimInput({
        principalMinor: 1000000,
        dueDate: '2026-02-27',
        asOf: '2026-03-29',
        contractualRatePercent: 5,
      }),
    );
    expect(claim.segments[0]?.rateBasis).toBe('contractual_floor');
    expect(claim.segments[0]?.rateBasisPoints).toBe(786);
    expect(claim.interestMinor).toBe(6460);
  });

  it('keeps a contractual rate above floor', () => {
    // 12 %: 1000000 × 1200 × 30 / 3,650,000 = 9863.01 → 9863.
    const claim = computeLatePaymentClaim(
      claimInput({ principalMinor: 1000000, dueDate: '2026-02-27', asOf: '2026-03-29', contractualRatePercent: 12 }),
    );
    expect(claim.segments[0]?.rateBasis).toBe('contractual');
    expect(claim.segments[0]?.rateBasisPoints).toBe(1200);
    expect(claim.interestMinor).toBe(9863);
  });

  it('owes nothing when paid on time', () => {
    const claim = computeLatePaymentClaim(claimInput({ payments: [{ date: '2025-01-31', amountMinor: 100000 }] }));
    expect(claim.daysLate).toBe(0);
    expect(claim.segments).toEqual([]);
    expect(claim.interestMinor).toBe(0);
    expect(claim.recoveryIndemnity).toBeNull();
  });

  it('counts payments before due date', () => {
    // 400.00 of 1,000.00 paid early: 600.00 is late for 30 days.
    // 60000 × 1315 × 30 / 3,650,000 = 648.49 → 648.
    const claim = computeLatePaymentClaim(claimInput({ payments: [{ date: '2025-01-15', amountMinor: 40000 }] }));
    expect(claim.segments[0]?.periods[0]?.principalMinor).toBe(60000);
    expect(claim.interestMinor).toBe(648);
  });

  it('rejects a half-year missing from table', () => {
    expect(() => computeLatePaymentClaim(claimInput({ dueDate: '2026-12-20', asOf: '2027-01-05' }))).toThrow(/2027-H1/);
  });

  it('rejects a rate with three decimals', () => {
    expect(() => computeLatePaymentClaim(claimInput({ contractualRatePercent: 7.125 }))).toThrow(/7\.125/);
  });
});
