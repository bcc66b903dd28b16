import { z } from 'zod';
import { addDays, calendarDateSchema, daysBetween, type CalendarDate } from './dates.js';
import { currencyCodeSchema, type Money } from './money.js';
import {
  contractualRateFloorBasisPoints,
  halfYearOf,
  latePaymentRateTableSchema,
  percentToBasisPoints,
  ratesForHalfYear,
  statutoryPenaltyRateBasisPoints,
} from './rates.js';

// French late-payment penalties and the fixed recovery indemnity between professionals
// (Code de commerce L441-10 II, D441-5).
//
// Interest is simple and counted per day, actual/365. Each day from the day after the
// due date up to and including the last late day accrues principal × rate / 365. The
// principal is what remained unpaid at the start of that day, so a payment dated P
// therefore still counts P as a late day, so days late = P - due date. Each day takes
// the rate of the half-year it falls in. A half-year's interest is summed exactly and
// rounded half-up to a minor unit once, at the end of that half-year's segment.

/** The fixed recovery indemnity of D441-5: 40 EUR per late invoice. */
export const RECOVERY_INDEMNITY: Money = { amountMinor: 4_000, currency: 'EUR' };

const DAYS_PER_YEAR = 365n;
const BASIS_POINTS_PER_UNIT = 10_000n;

export const invoicePaymentSchema = z.object({
  date: calendarDateSchema,
  /** Minor units of the invoice currency; a credit note counts as a payment on its date. */
  amountMinor: z.number().int().positive(),
});
export type InvoicePayment = z.infer<typeof invoicePaymentSchema>;

export const latePaymentInputSchema = z.object({
  /** Amount of the invoice unpaid on its due date, in minor units, taxes included. */
  principalMinor: z.number().int().nonnegative(),
  currency: currencyCodeSchema,
  dueDate: calendarDateSchema,
  /** Last day counted while part of the principal is unpaid: the payment date or today. */
  asOf: calendarDateSchema,
  payments: z.array(invoicePaymentSchema).default([]),
  customer: z.object({ isBusiness: z.boolean() }),
  /** A rate set by the contract, in percent; raised to 3 × the legal interest rate when lower. */
  contractualRatePercent: z.number().min(0).max(100).optional(),
  rateTable: latePaymentRateTableSchema,
});
export type LatePaymentInput = z.input<typeof latePaymentInputSchema>;

/** A run of consecutive late days with the same unpaid principal. */
export interface PenaltyPeriod {
  from: CalendarDate;
  to: CalendarDate;
  days: number;
  principalMinor: number;
}

/** The late days of one half-year, at that half-year's rate. */
export interface PenaltySegment {
  halfYear: string;
  rateBasisPoints: number;
  /** 'statutory' is ECB + 10 points; 'contractual_floor' is a contractual rate raised to 3 × the legal rate. */
  rateBasis: 'statutory' | 'contractual' | 'contractual_floor';
  periods: PenaltyPeriod[];
  /** Rounded half-up to a minor unit. */
  interestMinor: number;
}

export interface LatePaymentClaim {
  currency: string;
  /** Days from the due date to the last late day. */
  daysLate: number;
  segments: PenaltySegment[];
  interestMinor: number;
  /** 40 EUR for a late invoice to a business customer, otherwise null. */
  recoveryIndemnity: Money | null;
}

function rateOfHalfYear(
  halfYear: string,
  input: z.infer<typeof latePaymentInputSchema>,
): Pick<PenaltySegment, 'rateBasisPoints' | 'rateBasis'> {
  const rates = ratesForHalfYear(input.rateTable, halfYear);
  if (input.contractualRatePercent === undefined) {
    return { rateBasisPoints: statutoryPenaltyRateBasisPoints(rates), rateBasis: 'statutory' };
  }

  const contractual = percentToBasisPoints(input.contractualRatePercent);
  const floor = contractualRateFloorBasisPoints(rates);
  return contractual < floor
    ? { rateBasisPoints: floor, rateBasis: 'contractual_floor' }
    : { rateBasisPoints: contractual, rateBasis: 'contractual' };
}

/** principal × rate × days / 365 summed over periods, rounded half-up once. */
function interestOf(periods: readonly PenaltyPeriod[], rateBasisPoints: number): number {
  const numerator = periods.reduce(
    (sum, period) => sum + BigInt(period.principalMinor) * BigInt(rateBasisPoints) * BigInt(period.days),
    0n,
  );
  const denominator = BASIS_POINTS_PER_UNIT * DAYS_PER_YEAR;
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * Computes the late-payment penalties and the recovery indemnity of one invoice.
 * Payments reduce the principal from the day after their date, and accrual stops once
 * nothing is unpaid or after `asOf`. A consumer customer owes neither, because L441-10
 * governs dealings between professionals. Throws a RangeError when the rate table lacks
 * a half-year that a late day falls in.
 */
export function computeLatePaymentClaim(rawInput: LatePaymentInput): LatePaymentClaim {
  const input = latePaymentInputSchema.parse(rawInput);
  const payments = [...input.payments].sort((left, right) => left.date.localeCompare(right.date));

  // Payments up to the due date are not late: they reduce the principal before day one.
  let unpaid = input.principalMinor;
  let nextPayment = 0;
  const applyPaymentsUpTo = (date: CalendarDate): void => {
    while (nextPayment < payments.length && (payments[nextPayment]?.date ?? '') <= date) {
      unpaid = Math.max(0, unpaid - (payments[nextPayment]?.amountMinor ?? 0));
      nextPayment += 1;
    }
  };
  applyPaymentsUpTo(input.dueDate);

  const segments: PenaltySegment[] = [];
  let lastLateDay: CalendarDate | undefined;

  for (let day = addDays(input.dueDate, 1); day <= input.asOf && unpaid > 0; day = addDays(day, 1)) {
    lastLateDay = day;
    const halfYear = halfYearOf(day);

    let segment = segments.at(-1);
    if (segment?.halfYear !== halfYear) {
      segment = { halfYear, rateBasisPoints: 0, rateBasis: 'statutory', periods: [], interestMinor: 0 };
      segments.push(segment);
    }

    const period = segment.periods.at(-1);
    if (period && period.principalMinor === unpaid) {
      period.to = day;
      period.days += 1;
    } else {
      segment.periods.push({ from: day, to: day, days: 1, principalMinor: unpaid });
    }

    // A payment dated `day` lowers the principal from the next day on.
    applyPaymentsUpTo(day);
  }

  const daysLate = lastLateDay ? daysBetween(input.dueDate, lastLateDay) : 0;
  if (!input.customer.isBusiness) {
    // TODO: a consumer owes interest at the legal rate for consumers from the formal notice (Code civil 1231-6, 1344-1), which is not computed here.
    return { currency: input.currency, daysLate, segments: [], interestMinor: 0, recoveryIndemnity: null };
  }

  for (const segment of segments) {
    Object.assign(segment, rateOfHalfYear(segment.halfYear, input));
    segment.interestMinor = interestOf(segment.periods, segment.rateBasisPoints);
  }

  return {
    currency: input.currency,
    daysLate,
    segments,
    interestMinor: segments.reduce((sum, segment) => sum + segment.interestMinor, 0),
    recoveryIndemnity: daysLate > 0 ? { ...RECOVERY_INDEMNITY } : null,
  };
}
