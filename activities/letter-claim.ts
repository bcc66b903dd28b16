import type { Logger } from 'pino';
import type { Sql } from '../db/client.js';
import { computeLatePaymentClaim, RECOVERY_INDEMNITY } from '../domain/penalties.js';
import type { LatePaymentRateTable } from '../domain/rates.js';

/** The late-payment figures a letter prints for one invoice. */
export interface LetterClaim {
  penaltyMinor: number;
  indemnityMinor: number;
  /** The rate of the last late day, in percent, for example 12.15. */
  ratePercent: number | undefined;
}

/**
 * Computes the late penalties (Code de commerce L441-10 II) of an invoice up to the letter
 * date from its dated payments and credit notes, and the 40 EUR recovery indemnity
 * (D441-5) of a business customer. Returns null when the rate table lacks a half-year a
 * late day falls in, so that the letter states the rule without amounts.
 */
export async function readLetterClaim(
  sql: Sql,
  logger: Logger,
  input: { invoiceId: string; letterDate: string; isBusiness: boolean; rateTable: LatePaymentRateTable },
): Promise<LetterClaim | null> {
  const [invoice] = await sql<{ total_minor: number; currency: string; due_date: string }[]>`
    select total_minor, currency, to_char(due_date, 'YYYY-MM-DD') as due_date from invoices where id = ${input.invoiceId}`;
  if (!invoice) return null;

  const settlements = await sql<{ date: string; amount_minor: number }[]>`
    select to_char(p.received_on, 'YYYY-MM-DD') as date, a.amount_minor
    from allocations a join payments p on p.id = a.payment_id
    where a.invoice_id = ${input.invoiceId} and p.reversed_at is null
    union all
    select to_char(cn.issue_date, 'YYYY-MM-DD') as date, a.amount_minor
    from allocations a join invoices cn on cn.id = a.credit_note_id
    where a.invoice_id = ${input.invoiceId} and cn.cancelled_at is null`;

  try {
    const claim = computeLatePaymentClaim({
      principalMinor: invoice.total_minor,
      currency: invoice.currency,
      dueDate: invoice.due_date,
      asOf: input.letterDate,
      payments: settlements.map((settlement) => ({ date: settlement.date, amountMinor: settlement.amount_minor })),
      customer: { isBusiness: input.isBusiness },
      rateTable: input.rateTable,
    });
    const lastSegment = claim.segments.at(-1);

    // NOTE: D441-5 sets the indemnity in euros; an invoice in another currency gets none here rather than a mixed-currency line.
    const indemnityMinor = claim.recoveryIndemnity && invoice.currency === RECOVERY_INDEMNITY.currency ? claim.recoveryIndemnity.amountMinor : 0;
    return {
      penaltyMinor: claim.interestMinor,
      indemnityMinor,
      ratePercent: lastSegment ? lastSegment.rateBasisPoints / 100 : undefined,
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    logger.warn({ invoiceId: input.invoiceId, letterDate: input.letterDate, error: error.message }, 'late-payment rates missing; letter states the rule without amounts');
    return null;
  }
}
