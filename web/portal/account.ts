import { readInvoiceBalance } from '../../activities/balance.js';
import { loadLatePaymentRateTable } from '../../config/rates/late-payment-rates.js';
import type { Sql } from '../../db/client.js';
import type { InvoiceBalance } from '../../domain/case.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import { computeLatePaymentClaim } from '../../domain/penalties.js';
import type { LatePaymentRateTable } from '../../domain/rates.js';
import type { PortalCustomer } from './access.js';

// What the portal shows of a customer's account: each invoice with its balance of
// record, the state of its dunning case, late penalties, reminders and answers.

export interface AccountInvoice {
  id: string;
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  balance: InvoiceBalance;
  /** Dunning case status, or 'none' when no case was started for the invoice. */
  caseStatus: string;
  caseEnded: boolean;
  endedOn: string | null;
  /** Latest days a promise to pay may reach, from the case's scenario. */
  promiseHorizonDays: number;
  dispute: { reason: string; openedOn: string } | null;
  /** Late-payment interest and recovery indemnity for a business customer; null when none is owed or the rate table lacks a half-year. */
  penalties: { interestMinor: number; indemnityMinor: number; indemnityCurrency: string } | null;
}

export interface ReminderRecord {
  sentAt: Date;
  subject: string | null;
  invoiceNumbers: string[];
}

export interface AnswerRecord {
  occurredAt: Date;
  type: string;
  invoiceNumber: string;
  data: Record<string, unknown>;
}

export interface Account {
  asOfDate: string;
  open: AccountInvoice[];
  closed: AccountInvoice[];
  reminders: ReminderRecord[];
  answers: AnswerRecord[];
}

const DEFAULT_PROMISE_HORIZON_DAYS = 60;

let rateTable: LatePaymentRateTable | null = null;
function rates(): LatePaymentRateTable {
  rateTable ??= loadLatePaymentRateTable();
  return rateTable;
}

interface InvoiceRow {
  id: string;
  number: string;
  issue_date: string;
  due_date: string;
  currency: string;
  total_minor: number;
  case_status: string | null;
  terminal_state: string | null;
  ended_on: string | null;
  horizon_days: number | null;
}

async function readPenalties(sql: Sql, row: InvoiceRow, customer: PortalCustomer, asOfDate: string) {
  if (!customer.isBusiness || row.due_date >= asOfDate) return null;

  // Dated payments and credit notes reduce the principal from the day after their date.
  const allocations = await sql<{ date: string; amount_minor: number }[]>`
    select to_char(coalesce(p.received_on, cn.issue_date), 'YYYY-MM-DD') as date, a.amount_minor
    from allocations a
    left join payments p on p.id = a.payment_id and p.reversed_at is null
    left join invoices cn on cn.id = a.credit_note_id and cn.cancelled_at is null
    where a.invoice_id = ${row.id} and coalesce(p.received_on, cn.issue_date) is not null`;
  try {
    const claim = computeLatePaymentClaim({
      principalMinor: row.total_minor,
      currency: row.currency,
      dueDate: row.due_date,
      asOf: asOfDate,
      payments: allocations.map((allocation) => ({ date: allocation.date, amountMinor: allocation.amount_minor })),
      customer: { isBusiness: true },
      rateTable: rates(),
    });
    if (claim.daysLate <= 0) return null;
    return {
      interestMinor: claim.interestMinor,
      indemnityMinor: claim.recoveryIndemnity?.amountMinor ?? 0,
      indemnityCurrency: claim.recoveryIndemnity?.currency ?? 'EUR',
    };
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

async function readDisputes(sql: Sql, invoiceIds: string[]): Promise<Map<string, { reason: string; openedOn: string }>> {
  const rows = await sql<{ invoice_id: string; reason: string; opened_on: string }[]>`
    select distinct on (invoice_id) invoice_id, data->>'reason' as reason, to_char(occurred_at, 'YYYY-MM-DD') as opened_on
    from case_events
    where invoice_id = any(${invoiceIds}::uuid[]) and source = 'portal' and type = 'dispute_opened'
    order by invoice_id, occurred_at desc`;
  return new Map(rows.map((row) => [row.invoice_id, { reason: row.reason, openedOn: row.opened_on }]));
}

/** Reads the customer's account as of today in their time zone. */
export async function readAccount(sql: Sql, customer: PortalCustomer, now: Date): Promise<Account> {
  const asOfDate = localDateOf(now, customer.timeZone);
  const oneYearAgo = addDays(asOfDate, -365);

  const rows = await sql<InvoiceRow[]>`
    select i.id, i.number, to_char(i.issue_date, 'YYYY-MM-DD') as issue_date, to_char(i.due_date, 'YYYY-MM-DD') as due_date,
      i.currency, i.total_minor, c.status as case_status, c.terminal_state, to_char(c.ended_at, 'YYYY-MM-DD') as ended_on,
      (s.definition->'promise'->>'maxHorizonDays')::integer as horizon_days
    from invoices i
    left join cases c on c.invoice_id = i.id
    left join scenarios s on s.id = c.scenario_id and s.version = c.scenario_version
    where i.customer_id = ${customer.id} and i.kind = 'invoice' and i.cancelled_at is null
    order by i.due_date, i.number`;
  const disputes = await readDisputes(sql, rows.map((row) => row.id));

  const open: AccountInvoice[] = [];
  const closed: AccountInvoice[] = [];
  for (const row of rows) {
    const balance = await readInvoiceBalance(sql, row.id);
    const isOpen = balance.dueMinor > 0 && row.terminal_state === null;
    if (!isOpen && row.issue_date < oneYearAgo) continue;

    const invoice: AccountInvoice = {
      id: row.id,
      number: row.number,
      issueDate: row.issue_date,
      dueDate: row.due_date,
      currency: row.currency,
      balance,
      caseStatus: row.terminal_state ?? row.case_status ?? (isOpen ? 'none' : 'paid'),
      caseEnded: row.terminal_state !== null,
      endedOn: row.ended_on,
      promiseHorizonDays: row.horizon_days ?? DEFAULT_PROMISE_HORIZON_DAYS,
      dispute: row.case_status === 'disputed' ? (disputes.get(row.id) ?? null) : null,
      penalties: isOpen ? await readPenalties(sql, row, customer, asOfDate) : null,
    };
    (isOpen ? open : closed).push(invoice);
  }

  const reminders = await sql<{ sent_at: Date; subject: string | null; invoice_numbers: string[] }[]>`
    select m.sent_at, m.subject, array_agg(i.number order by i.number) as invoice_numbers
    from messages m
    join message_invoices mi on mi.message_id = m.id
    join invoices i on i.id = mi.invoice_id
    where m.customer_id = ${customer.id} and m.status in ('sent', 'outbox')
    group by m.id order by m.sent_at desc limit 50`;
  const answers = await sql<{ occurred_at: Date; type: string; number: string; data: Record<string, unknown> }[]>`
    select e.occurred_at, e.type, i.number, e.data
    from case_events e join invoices i on i.id = e.invoice_id
    where i.customer_id = ${customer.id} and e.source = 'portal'
    order by e.occurred_at desc, e.id desc limit 50`;

  return {
    asOfDate,
    open,
    closed,
    reminders: reminders.map((row) => ({ sentAt: row.sent_at, subject: row.subject, invoiceNumbers: row.invoice_numbers })),
    answers: answers.map((row) => ({ occurredAt: row.occurred_at, type: row.type, invoiceNumber: row.number, data: row.data })),
  };
}

/** Finds one of the customer's invoices by id; a foreign or unknown id gives null alike. */
export async function findCustomerInvoice(sql: Sql, customerId: string, invoiceId: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(invoiceId)) return null;
  const [row] = await sql<{ id: string; number: string; issue_date: string; due_date: string; currency: string; total_minor: number; source: Record<string, unknown> }[]>`
    select id, number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date, currency, total_minor, source
    from invoices where id = ${invoiceId} and customer_id = ${customerId} and kind = 'invoice'`;
  return row ?? null;
}
