import type { Sql } from '../db/client.js';
import { localDateOf } from '../domain/dates.js';
import { computeLatePaymentClaim, RECOVERY_INDEMNITY } from '../domain/penalties.js';
import type { LatePaymentRateTable } from '../domain/rates.js';

export interface ClaimLine {
  kind: 'recovery_indemnity' | 'late_penalties';
  amountMinor: number;
  currency: string;
}

/**
 * Claims the late-payment penalties and the fixed recovery indemnity of an invoice from a
 * step that claims them, for business customers only. The indemnity is written once per
 * invoice; the penalties are recomputed up to the step's day. A waived claim stays waived.
 */
export async function claimLatePaymentAmounts(
  sql: Sql,
  input: { invoiceId: string; stepKey: string; actedAt: string; rateTable: LatePaymentRateTable },
): Promise<ClaimLine[]> {
  const [invoice] = await sql<{ total_minor: number; currency: string; due_date: string; is_business: boolean; time_zone: string }[]>`
    select i.total_minor, i.currency, to_char(i.due_date, 'YYYY-MM-DD') as due_date, c.is_business, c.time_zone
    from invoices i join customers c on c.id = i.customer_id where i.id = ${input.invoiceId}`;
  if (!invoice || !invoice.is_business) return [];

  const asOf = localDateOf(input.actedAt, invoice.time_zone);
  if (asOf <= invoice.due_date) return [];

  const payments = await sql<{ date: string; amount_minor: number }[]>`
    select to_char(p.received_on, 'YYYY-MM-DD') as date, a.amount_minor
    from allocations a join payments p on p.id = a.payment_id
    where a.invoice_id = ${input.invoiceId} and p.reversed_at is null
    union all
    select to_char(cn.issue_date, 'YYYY-MM-DD') as date, a.amount_minor
    from allocations a join invoices cn on cn.id = a.credit_note_id
    where a.invoice_id = ${input.invoiceId} and cn.cancelled_at is null
    order by date`;
  const claim = computeLatePaymentClaim({
    principalMinor: invoice.total_minor,
    currency: invoice.currency,
    dueDate: invoice.due_date,
    asOf,
    payments: payments.map((payment) => ({ date: payment.date, amountMinor: payment.amount_minor })),
    customer: { isBusiness: true },
    rateTable: input.rateTable,
  });

  await sql`
    insert into claims (invoice_id, kind, amount_minor, currency, first_claimed_at, first_step_key, last_computed_on)
    values (${input.invoiceId}, 'recovery_indemnity', ${RECOVERY_INDEMNITY.amountMinor}, ${RECOVERY_INDEMNITY.currency},
            ${input.actedAt}, ${input.stepKey}, ${asOf})
    on conflict (invoice_id, kind) do nothing`;
  await sql`
    insert into claims (invoice_id, kind, amount_minor, currency, first_claimed_at, first_step_key, last_computed_on)
    values (${input.invoiceId}, 'late_penalties', ${claim.interestMinor}, ${invoice.currency}, ${input.actedAt}, ${input.stepKey}, ${asOf})
    on conflict (invoice_id, kind) do update set amount_minor = excluded.amount_minor, last_computed_on = excluded.last_computed_on
      where claims.status = 'open' and claims.last_computed_on < excluded.last_computed_on`;

  const open = await sql<{ kind: ClaimLine['kind']; amount_minor: number; currency: string }[]>`
    select kind, amount_minor, currency from claims where invoice_id = ${input.invoiceId} and status = 'open' order by kind`;
  return open.map((row) => ({ kind: row.kind, amountMinor: row.amount_minor, currency: row.currency }));
}
