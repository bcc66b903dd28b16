import { z } from 'zod';
import { calendarDateSchema, type CalendarDate } from './dates.js';

// The rate table behind French late-payment penalties (Code de commerce L441-10 II), one
// entry per half-year. The caller loads it from configuration and passes it in, because
// domain code reads no files.

/** A half-year as 'YYYY-H1' (1 January to 30 June) or 'YYYY-H2' (1 July to 31 December). */
export const halfYearSchema = z
  .string()
  .regex(/^\d{4}-H[12]$/, 'expected a half-year as YYYY-H1 or YYYY-H2, for example 2026-H1');

/** A rate in percent with at most two decimals, as the ECB and the Journal officiel publish them. */
const percentSchema = z
  .number()
  .min(0)
  .max(100)
  .refine((percent) => Math.abs(percent * 100 - Math.round(percent * 100)) < 1e-9, {
    message: 'expected a percentage with at most two decimals, for example 2.15',
  });

export const halfYearRatesSchema = z.object({
  halfYear: halfYearSchema,
  /** ECB main refinancing operations rate in force on 1 January (H1) or 1 July (H2), in percent. */
  ecbMainRefinancingRatePercent: percentSchema,
  /** Taux de l'intérêt légal for creditors other than consumers ("autres cas"), in percent. */
  legalInterestRateProfessionalPercent: percentSchema,
  /** Publication and date of both figures. */
  source: z.string().min(1),
  /** A caveat on a figure that still needs checking. */
  note: z.string().min(1).optional(),
});
export type HalfYearRates = z.infer<typeof halfYearRatesSchema>;

export const latePaymentRateTableSchema = z
  .object({
    /** Incremented whenever an entry is added or corrected. */
    version: z.number().int().min(1),
    updatedOn: calendarDateSchema,
    halfYears: z.array(halfYearRatesSchema).min(1),
  })
  .superRefine((table, ctx) => {
    const seen = new Set<string>();
    table.halfYears.forEach((entry, index) => {
      if (seen.has(entry.halfYear)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate half-year "${entry.halfYear}" in the late-payment rate table`,
          path: ['halfYears', index, 'halfYear'],
        });
      }
      seen.add(entry.halfYear);
    });
  });
export type LatePaymentRateTable = z.infer<typeof latePaymentRateTableSchema>;

/** Points added to the ECB rate for the statutory penalty rate (L441-10 II): 10 points. */
export const STATUTORY_MARGIN_BASIS_POINTS = 1_000;

/** A contractual rate may not be lower than this multiple of the legal interest rate (L441-10 II). */
export const CONTRACTUAL_FLOOR_MULTIPLE = 3;

/** Returns the half-year that a calendar date falls in, for example '2025-H2' for 2025-07-01. */
export function halfYearOf(date: CalendarDate): string {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-H${month <= 6 ? 1 : 2}`;
}

/** Converts a percentage to integer basis points (2.15 % is 215), exactly for two decimals. */
export function percentToBasisPoints(percent: number): number {
  const basisPoints = Math.round(percent * 100);
  if (!Number.isFinite(percent) || Math.abs(percent * 100 - basisPoints) > 1e-9) {
    throw new RangeError(`invalid rate ${percent} %: expected a percentage with at most two decimals, for example 7.86`);
  }
  return basisPoints;
}

/** Finds the table's entry for a half-year, or throws a RangeError naming the missing half-year. */
export function ratesForHalfYear(table: LatePaymentRateTable, halfYear: string): HalfYearRates {
  const entry = table.halfYears.find((candidate) => candidate.halfYear === halfYear);
  if (!entry) {
    throw new RangeError(
      `no late-payment rates for ${halfYear} in rate table version ${table.version}: add the half-year's ECB and legal interest rates to the table`,
    );
  }
  return entry;
}

/** Computes the statutory penalty rate of a half-year in basis points: the ECB rate plus 10 points. */
export function statutoryPenaltyRateBasisPoints(rates: HalfYearRates): number {
  return percentToBasisPoints(rates.ecbMainRefinancingRatePercent) + STATUTORY_MARGIN_BASIS_POINTS;
}

/** Computes the lowest contractual rate allowed in a half-year, in basis points: 3 × 2.62 % = 7.86 % in 2026-H1. */
export function contractualRateFloorBasisPoints(rates: HalfYearRates): number {
  return percentToBasisPoints(rates.legalInterestRateProfessionalPercent) * CONTRACTUAL_FLOOR_MULTIPLE;
}
