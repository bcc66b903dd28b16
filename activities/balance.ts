import type { Sql } from '../db/client.js';
import type { InvoiceBalance } from '../domain/case.js';
import type { CaseContext } from './types.js';

interface OpenDocument {
  id: string;
  number: string;
  currency: string;
  total_minor: number;
  paid_minor: number;
  credited_minor: number;
  written_off_minor: number;
  hinted_minor: number;
}

/**
 * Reads the balance of record of an invoice: allocated payments and credit notes,
 * write-offs, payments received for its number but not yet allocated, and the
 * customer's unallocated cash and on-account credit notes, which count against the
 * customer's open invoices of the same currency, oldest due date first.
 */
export async function readInvoiceBalance(sql: Sql, invoiceId: string): Promise<InvoiceBalance> {
  return (await readInvoiceShares(sql, invoiceId)).balance;
}

/** An invoice's balance with the parts of it that funds not yet allocated to it cover. */
export interface InvoiceShares {
  balance: InvoiceBalance;
  customerId: string;
  number: string;
  /** Unallocated payments that name this invoice's number. */
  hintedMinor: number;
  /** The customer's unallocated cash, and on-account credit notes, that count against this invoice. */
  fromCashMinor: number;
  fromCreditMinor: number;
}

/** Reads the balance as {@link readInvoiceBalance} does, keeping apart the funds that cover it without an allocation. */
export async function readInvoiceShares(sql: Sql, invoiceId: string): Promise<InvoiceShares> {
  const [invoice] = await sql<{ customer_id: string; currency: string }[]>`
    select customer_id, currency from invoices where id = ${invoiceId}`;
  if (!invoice) throw new Error(`invoice ${invoiceId} not found: was it deleted while its case ran?`);

  const documents = await sql<OpenDocument[]>`
    select i.id, i.number, i.currency, i.total_minor,
      coalesce((select sum(a.amount_minor) from allocations a join payments p on p.id = a.payment_id
                where a.invoice_id = i.id and p.reversed_at is null), 0)::bigint as paid_minor,
      coalesce((select sum(a.amount_minor) from allocations a join invoices cn on cn.id = a.credit_note_id
                where a.invoice_id = i.id and cn.cancelled_at is null), 0)::bigint as credited_minor,
      coalesce((select sum(w.amount_minor) from write_offs w where w.invoice_id = i.id), 0)::bigint as written_off_minor,
      coalesce((select sum(p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0))
                from payments p join customers c on c.external_ref = p.customer_ref
                where c.id = i.customer_id and p.invoice_number = i.number and p.reversed_at is null
                  and p.currency = i.currency), 0)::bigint as hinted_minor
    from invoices i
    where i.customer_id = ${invoice.customer_id} and i.kind = 'invoice' and i.currency = ${invoice.currency}
      and i.cancelled_at is null
    order by i.due_date, i.number`;

  const [pool] = await sql<{ cash_minor: number; credit_minor: number }[]>`
    select
      coalesce((select sum(p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0))
                from payments p join customers c on c.external_ref = p.customer_ref
                where c.id = ${invoice.customer_id} and p.currency = ${invoice.currency} and p.reversed_at is null
                  and (p.invoice_number is null or not exists (
                    select 1 from invoices i where i.customer_id = c.id and i.number = p.invoice_number))), 0)::bigint as cash_minor,
      coalesce((select sum(cn.total_minor - coalesce((select sum(a.amount_minor) from allocations a where a.credit_note_id = cn.id), 0))
                from invoices cn where cn.customer_id = ${invoice.customer_id} and cn.kind = 'credit_note'
                  and cn.currency = ${invoice.currency} and cn.cancelled_at is null), 0)::bigint as credit_minor`;

  let cashLeft = Math.max(0, pool?.cash_minor ?? 0);
  let creditLeft = Math.max(0, pool?.credit_minor ?? 0);

  for (const document of documents) {
    const beforePool = Math.max(0, document.total_minor - document.paid_minor - document.credited_minor - document.written_off_minor - document.hinted_minor);
    const fromCash = Math.min(cashLeft, beforePool);
    cashLeft -= fromCash;
    const fromCredit = Math.min(creditLeft, beforePool - fromCash);
    creditLeft -= fromCredit;

    if (document.id !== invoiceId) continue;

    const paidMinor = document.paid_minor;
    const unallocatedMinor = Math.min(document.hinted_minor, document.total_minor) + fromCash + fromCredit;
    const dueMinor = beforePool - fromCash - fromCredit;
    const settlements = [
      { kind: 'payment' as const, amount: paidMinor + Math.min(document.hinted_minor, document.total_minor) + fromCash },
      { kind: 'credit_note' as const, amount: document.credited_minor + fromCredit },
      { kind: 'write_off' as const, amount: document.written_off_minor },
    ].sort((left, right) => right.amount - left.amount);

    return {
      balance: {
        invoiceId,
        currency: document.currency,
        originalMinor: document.total_minor,
        paidMinor,
        creditedMinor: document.credited_minor,
        writtenOffMinor: document.written_off_minor,
        unallocatedMinor,
        dueMinor,
        mainSettlement: settlements[0] && settlements[0].amount > 0 ? settlements[0].kind : 'none',
      },
      customerId: invoice.customer_id,
      number: document.number,
      hintedMinor: Math.min(document.hinted_minor, document.total_minor),
      fromCashMinor: fromCash,
      fromCreditMinor: fromCredit,
    };
  }

  // A cancelled invoice is not among the open documents: nothing is due on it.
  const [cancelled] = await sql<{ total_minor: number; currency: string; number: string }[]>`select total_minor, currency, number from invoices where id = ${invoiceId}`;
  return {
    balance: {
      invoiceId,
      currency: cancelled?.currency ?? invoice.currency,
      originalMinor: cancelled?.total_minor ?? 0,
      paidMinor: 0,
      creditedMinor: 0,
      writtenOffMinor: 0,
      unallocatedMinor: 0,
      dueMinor: 0,
      mainSettlement: 'none',
    },
    customerId: invoice.customer_id,
    number: cancelled?.number ?? '',
    hintedMinor: 0,
    fromCashMinor: 0,
    fromCreditMinor: 0,
  };
}

/** Reads what a case needs to plan: the invoice's dates and the customer's calendar and segment. */
export async function readCaseContext(sql: Sql, invoiceId: string): Promise<CaseContext> {
  const [row] = await sql<
    {
      id: string; number: string; due_date: string; issue_date: string; currency: string; cancelled: boolean;
      customer_id: string; segment: string | null; is_business: boolean; time_zone: string; language: 'fr' | 'en'; group_reminders: boolean;
    }[]
  >`
    select i.id, i.number, to_char(i.due_date, 'YYYY-MM-DD') as due_date, to_char(i.issue_date, 'YYYY-MM-DD') as issue_date,
      i.currency, i.cancelled_at is not null as cancelled,
      c.id as customer_id, c.segment, c.is_business, c.time_zone, c.language, c.group_reminders
    from invoices i join customers c on c.id = i.customer_id
    where i.id = ${invoiceId}`;
  if (!row) throw new Error(`invoice ${invoiceId} not found: was it deleted while its case ran?`);

  return {
    invoice: { id: row.id, number: row.number, dueDate: row.due_date, issueDate: row.issue_date, currency: row.currency, cancelled: row.cancelled },
    customer: { id: row.customer_id, segment: row.segment, isBusiness: row.is_business, timeZone: row.time_zone, language: row.language, groupReminders: row.group_reminders },
  };
}
