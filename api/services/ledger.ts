import type postgres from 'postgres';
import type { Sql } from '../../db/client.js';
import { readInvoiceBalance } from '../../activities/balance.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { ApiError } from '../errors.js';
import type { CustomerInput, InvoiceInput, PaymentInput } from '../schemas.js';
import type { TemporalHandle } from '../temporal.js';

/** The part of a request or process logger these services use. */
export interface ServiceLogger {
  warn(fields: object, message: string): void;
}

// Writes to the ledger of record: customers, invoices, credit notes and payments. Each
// write is keyed by its natural key, so a re-sent request or import changes nothing.

export interface CustomerRow {
  id: string;
  external_ref: string;
  name: string;
  language: string;
  time_zone: string;
  scenario_id: string | null;
}

export async function upsertCustomer(sql: Sql, input: CustomerInput): Promise<{ customer: CustomerRow; created: boolean }> {
  return sql.begin(async (transaction) => {
    const [row] = await transaction<(CustomerRow & { created: boolean })[]>`
      insert into customers (external_ref, name, siren, vat_number, is_business, language, time_zone, segment, scenario_id, address, group_reminders)
      values (${input.externalRef}, ${input.name}, ${input.siren ?? null}, ${input.vatNumber ?? null}, ${input.isBusiness},
              ${input.language}, ${input.timeZone}, ${input.segment ?? null}, ${input.scenarioId ?? null}, ${input.address ?? null}, ${input.groupReminders})
      on conflict (external_ref) do update set
        name = excluded.name, siren = excluded.siren, vat_number = excluded.vat_number, is_business = excluded.is_business,
        language = excluded.language, time_zone = excluded.time_zone, segment = excluded.segment,
        scenario_id = excluded.scenario_id, address = excluded.address, group_reminders = excluded.group_reminders, updated_at = now()
      returning id, external_ref, name, language, time_zone, scenario_id, (xmax = 0) as created`;
    if (!row) throw new Error(`customer ${input.externalRef} could not be stored`);

    if (input.contacts.length > 0) {
      await transaction`delete from contacts where customer_id = ${row.id}`;
      for (const contact of input.contacts) {
        await transaction`
          insert into contacts (customer_id, role, name, email, phone, language)
          values (${row.id}, ${contact.role}, ${contact.name ?? null}, ${contact.email ?? null}, ${contact.phone ?? null}, ${contact.language ?? null})`;
      }
    }
    const { created, ...customer } = row;
    return { customer, created };
  });
}

export async function findCustomerByRef(sql: Sql, externalRef: string): Promise<CustomerRow> {
  const [customer] = await sql<CustomerRow[]>`
    select id, external_ref, name, language, time_zone, scenario_id from customers where external_ref = ${externalRef}`;
  if (!customer) {
    throw new ApiError('not_found', `customer "${externalRef}" not found: create it with POST /v1/customers before its invoices`, {
      errors: [{ path: 'customerRef', message: 'unknown customer' }],
    });
  }
  return customer;
}

export interface InvoiceRow {
  id: string;
  customer_id: string;
  number: string;
  currency: string;
  total_minor: number;
  scenario_id: string | null;
}

/** Stores an invoice or credit note once per customer and number. A different amount for a stored number is a conflict, never an overwrite. */
export async function insertInvoice(sql: Sql, customer: CustomerRow, input: InvoiceInput): Promise<{ invoice: InvoiceRow; created: boolean }> {
  return sql.begin(async (transaction) => {
    let precedingId: string | null = null;
    if (input.precedingInvoiceNumber) {
      const [preceding] = await transaction<{ id: string }[]>`
        select id from invoices where customer_id = ${customer.id} and number = ${input.precedingInvoiceNumber}`;
      if (!preceding) {
        throw new ApiError('validation_failed', `precedingInvoiceNumber "${input.precedingInvoiceNumber}" is not an invoice of customer ${customer.external_ref}: import that invoice first`, {
          errors: [{ path: 'precedingInvoiceNumber', message: 'unknown invoice' }],
        });
      }
      precedingId = preceding.id;
    }

    const inserted = await transaction<InvoiceRow[]>`
      insert into invoices (customer_id, kind, number, currency, total_minor, issue_date, due_date, payment_terms_days,
                            preceding_invoice_id, scenario_id)
      values (${customer.id}, ${input.kind}, ${input.number}, ${input.currency}, ${input.totalMinor}, ${input.issueDate},
              ${input.dueDate}, ${input.paymentTermsDays ?? null}, ${precedingId}, ${input.scenarioId ?? null})
      on conflict (customer_id, number) do nothing
      returning id, customer_id, number, currency, total_minor, scenario_id`;
    if (inserted[0]) {
      if (input.kind === 'invoice') await allocateNamedPayments(transaction, inserted[0].id);
      if (input.kind === 'credit_note' && precedingId) {
        await transaction`
          insert into allocations (invoice_id, credit_note_id, amount_minor) values (${precedingId}, ${inserted[0].id}, ${input.totalMinor})`;
      }
      return { invoice: inserted[0], created: true };
    }

    const [existing] = await transaction<(InvoiceRow & { kind: string; due_date: string })[]>`
      select id, customer_id, number, currency, total_minor, scenario_id, kind, to_char(due_date, 'YYYY-MM-DD') as due_date
      from invoices where customer_id = ${customer.id} and number = ${input.number}`;
    if (!existing) throw new Error(`invoice ${input.number} vanished during its import`);
    if (existing.total_minor !== input.totalMinor || existing.currency !== input.currency || existing.kind !== input.kind || existing.due_date !== input.dueDate) {
      throw new ApiError('conflict', `${input.kind} ${input.number} of customer ${customer.external_ref} is already stored with other values (${existing.kind}, ${existing.total_minor} ${existing.currency}, due ${existing.due_date}): correct it with a credit note, or use another number`, {
        errors: [{ path: 'number', message: 'already stored with other values' }],
      });
    }
    const { kind: _kind, due_date: _dueDate, ...invoice } = existing;
    return { invoice, created: false };
  });
}

/**
 * Records a payment once per customer and reference, allocates it to the invoice it names
 * when that invoice is known, and wakes the invoice's case so it re-reads the balance.
 * A payment for an unknown customer or invoice is kept and counts once they arrive.
 */
export async function recordPayment(
  sql: Sql,
  temporal: TemporalHandle,
  logger: ServiceLogger,
  input: PaymentInput,
): Promise<{ paymentId: string; created: boolean; invoiceId: string | null }> {
  const result = await sql.begin(async (transaction) => {
    const [customer] = await transaction<{ id: string }[]>`select id from customers where external_ref = ${input.customerRef}`;
    // The row lock serialises payments of one invoice, so concurrent ones never allocate more than it owes.
    const [named] = customer && input.invoiceNumber
      ? await transaction<{ id: string; currency: string }[]>`
          select id, currency from invoices where customer_id = ${customer.id} and number = ${input.invoiceNumber} for update`
      : [];
    if (named && named.currency !== input.currency) {
      throw new ApiError('validation_failed', `payment ${input.reference} is in ${input.currency} but invoice ${input.invoiceNumber} is in ${named.currency}: record it in ${named.currency}, or without invoiceNumber as cash on account`, {
        errors: [{ path: 'currency', message: `expected ${named.currency}` }],
      });
    }
    const inserted = await transaction<{ id: string }[]>`
      insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on, invoice_number)
      values (${input.customerRef}, ${customer?.id ?? null}, ${input.reference}, ${input.amountMinor}, ${input.currency},
              ${input.receivedOn}, ${input.invoiceNumber ?? null})
      on conflict (customer_ref, reference) do nothing
      returning id`;

    const [existing] = inserted[0]
      ? inserted
      : await transaction<{ id: string; amount_minor: number }[]>`
          select id, amount_minor from payments where customer_ref = ${input.customerRef} and reference = ${input.reference}`;
    if (!existing) throw new Error(`payment ${input.reference} could not be stored`);

    if (named) await allocateNamedPayments(transaction, named.id);
    return { paymentId: existing.id, created: inserted.length > 0, invoiceId: named?.id ?? null };
  });

  if (result.invoiceId) {
    await notifyBalanceChanged(temporal, logger, result.invoiceId, { kind: 'payment', reference: input.reference });
    await recordPaymentAfterDunning(sql, result.invoiceId, input);
  }
  return result;
}

/**
 * Allocates to an invoice the payments that name it and are not fully allocated yet,
 * oldest first, up to what the invoice still owes. A payment that arrived before its
 * invoice is allocated when the invoice is stored.
 */
export async function allocateNamedPayments(transaction: Sql | postgres.TransactionSql, invoiceId: string): Promise<void> {
  const [invoice] = await transaction<{ customer_id: string; number: string; currency: string; owed_minor: number }[]>`
    select i.customer_id, i.number, i.currency,
      i.total_minor
        - coalesce((select sum(a.amount_minor) from allocations a where a.invoice_id = i.id), 0)
        - coalesce((select sum(w.amount_minor) from write_offs w where w.invoice_id = i.id), 0) as owed_minor
    from invoices i where i.id = ${invoiceId} and i.kind = 'invoice' and i.cancelled_at is null`;
  if (!invoice) return;

  let owed = Number(invoice.owed_minor);
  const pending = await transaction<{ id: string; unallocated_minor: number }[]>`
    select p.id, p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0) as unallocated_minor
    from payments p join customers c on c.external_ref = p.customer_ref
    where c.id = ${invoice.customer_id} and p.invoice_number = ${invoice.number} and p.currency = ${invoice.currency}
      and p.reversed_at is null
    order by p.received_on, p.created_at`;
  for (const payment of pending) {
    const amount = Math.min(owed, Number(payment.unallocated_minor));
    if (amount <= 0) continue;
    await transaction`insert into allocations (invoice_id, payment_id, amount_minor) values (${invoiceId}, ${payment.id}, ${amount})`;
    owed -= amount;
  }
}

/**
 * Records, once, that an invoice whose case was handed over (scenario exhausted) has been
 * paid since. The case itself stays ended: it emits no second end event and sends nothing.
 */
async function recordPaymentAfterDunning(sql: Sql, invoiceId: string, payment: PaymentInput): Promise<void> {
  const [ended] = await sql<{ workflow_id: string }[]>`
    select workflow_id from cases where invoice_id = ${invoiceId} and terminal_state = 'handed_over'`;
  if (!ended) return;

  const balance = await readInvoiceBalance(sql, invoiceId);
  if (balance.dueMinor > 0) return;
  await sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${ended.workflow_id}, ${invoiceId}, 'paid_after_dunning', 'api', ${`${payment.receivedOn}T00:00:00Z`},
            ${sql.json({ reference: payment.reference, amountMinor: payment.amountMinor } as never)}, ${`${ended.workflow_id}/paid-after-dunning`})
    on conflict (idempotency_key) do nothing`;
}

/** Signals the case of an invoice that its balance changed; a case not started or already ended needs no signal, since it reads the ledger. */
export async function notifyBalanceChanged(
  temporal: TemporalHandle,
  logger: ServiceLogger,
  invoiceId: string,
  change: { kind: 'payment' | 'credit_note' | 'write_off' | 'reversal' | 'refund' | 'allocation'; reference?: string },
): Promise<void> {
  const workflowId = dunningCaseWorkflowId(invoiceId);
  try {
    await temporal.client.workflow.getHandle(workflowId).signal('balanceChanged', change);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'WorkflowNotFoundError') return;
    logger.warn({ invoiceId, workflowId, error: (error as Error).message }, 'could not signal the case of a balance change; it re-reads the ledger before acting');
  }
}
