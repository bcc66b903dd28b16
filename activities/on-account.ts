import type postgres from 'postgres';
import type { Sql } from '../db/client.js';
import { readInvoiceShares } from './balance.js';

export interface OnAccountAllocation {
  paymentId: string | null;
  creditNoteId: string | null;
  amountMinor: number;
}

/**
 * Allocates to an invoice the funds its case counted without an allocation. Payments that
 * name its number come first, then its share of the customer's unallocated cash and
 * on-account credit notes (the balance gives that share to the oldest due invoices first).
 * Payments are taken oldest received first, credit notes oldest issued first.
 *
 * The share is computed again under a per-customer lock, so a retry or a sibling case
 * never allocates the same funds twice.
 */
export async function allocateOnAccountFunds(sql: Sql, invoiceId: string): Promise<OnAccountAllocation[]> {
  return sql.begin(async (transaction) => {
    const [owner] = await transaction<{ customer_id: string }[]>`select customer_id from invoices where id = ${invoiceId}`;
    if (!owner) throw new Error(`invoice ${invoiceId} not found: was it deleted while its case ran?`);
    await transaction`select pg_advisory_xact_lock(hashtext(${`on-account/${owner.customer_id}`}))`;

    const shares = await readInvoiceShares(transaction as unknown as Sql, invoiceId);
    const { currency } = shares.balance;
    const allocations: OnAccountAllocation[] = [];

    const take = async (candidates: { id: string; unallocated_minor: number }[], requested: number, column: 'payment_id' | 'credit_note_id') => {
      let left = requested;
      for (const candidate of candidates) {
        const amount = Math.min(left, Number(candidate.unallocated_minor));
        if (amount <= 0) continue;
        await transaction`insert into allocations ${transaction({ invoice_id: invoiceId, [column]: candidate.id, amount_minor: amount })}`;
        allocations.push({ paymentId: column === 'payment_id' ? candidate.id : null, creditNoteId: column === 'credit_note_id' ? candidate.id : null, amountMinor: amount });
        left -= amount;
        if (left === 0) break;
      }
    };

    // The customer's unallocated payments matching `filter`, oldest received first.
    const payments = (filter: postgres.PendingQuery<postgres.Row[]>) => transaction<{ id: string; unallocated_minor: number }[]>`
      select p.id, p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0) as unallocated_minor
      from payments p join customers c on c.external_ref = p.customer_ref
      where c.id = ${shares.customerId} and p.currency = ${currency} and p.reversed_at is null and ${filter}
      order by p.received_on, p.created_at, p.id`;

    if (shares.hintedMinor > 0) {
      await take(await payments(transaction`p.invoice_number = ${shares.number}`), shares.hintedMinor, 'payment_id');
    }

    if (shares.fromCashMinor > 0) {
      const onAccount = transaction`(p.invoice_number is null or not exists (
        select 1 from invoices i where i.customer_id = c.id and i.number = p.invoice_number))`;
      await take(await payments(onAccount), shares.fromCashMinor, 'payment_id');
    }

    if (shares.fromCreditMinor > 0) {
      await take(
        await transaction<{ id: string; unallocated_minor: number }[]>`
          select cn.id, cn.total_minor - coalesce((select sum(a.amount_minor) from allocations a where a.credit_note_id = cn.id), 0) as unallocated_minor
          from invoices cn
          where cn.customer_id = ${shares.customerId} and cn.kind = 'credit_note' and cn.currency = ${currency} and cn.cancelled_at is null
          order by cn.issue_date, cn.created_at, cn.id`,
        shares.fromCreditMinor,
        'credit_note_id',
      );
    }
    return allocations;
  });
}
