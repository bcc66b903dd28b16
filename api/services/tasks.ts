import { readInvoiceBalance } from '../../activities/balance.js';
import type { Sql } from '../../db/client.js';
import { localDateOf } from '../../domain/dates.js';
import type { InvoiceBalance } from '../../domain/case.js';
import { renderCallScript } from '../../emails/call-script.js';
import { ApiError, notFound } from '../errors.js';

// The collector's agenda: open tasks due today or overdue in each customer's time zone,
// and the detail a collector needs before a call or a visit.

export interface TaskSummary {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
  assignee: string | null;
  stepKey: string | null;
  workflowId: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  customerId: string;
  customerName: string;
  customerTimeZone: string;
  data: Record<string, unknown>;
  outcome: Record<string, unknown> | null;
  completedAt: string | null;
}

export interface TaskRow {
  id: string;
  idempotency_key: string;
  kind: string;
  status: string;
  due_at: Date;
  assignee: string | null;
  step_key: string | null;
  workflow_id: string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  customer_id: string;
  customer_name: string;
  time_zone: string;
  data: Record<string, unknown>;
  outcome: Record<string, unknown> | null;
  completed_at: Date | null;
}

export function toTaskSummary(row: TaskRow): TaskSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    dueAt: row.due_at.toISOString(),
    assignee: row.assignee,
    stepKey: row.step_key,
    workflowId: row.workflow_id,
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerTimeZone: row.time_zone,
    data: row.data,
    outcome: row.outcome,
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

export const SELECT_TASK = (sql: Sql) => sql`
  select t.id, t.idempotency_key, t.kind, t.status, t.due_at, t.assignee, t.step_key, t.workflow_id, t.invoice_id,
    i.number as invoice_number, t.customer_id, c.name as customer_name, c.time_zone, t.data, t.outcome, t.completed_at
  from tasks t join customers c on c.id = t.customer_id left join invoices i on i.id = t.invoice_id`;

export interface AgendaFilter {
  kind?: string;
  assignee?: string;
  customerId?: string;
  /** The agenda's day; each customer's today when unset. Tasks due by the end of that day in the customer's zone are listed. */
  date?: string;
  cursor?: string;
  limit: number;
}

interface Cursor {
  dueAt: string;
  id: string;
}

function encodeCursor(row: TaskRow): string {
  return Buffer.from(JSON.stringify({ dueAt: row.due_at.toISOString(), id: row.id } satisfies Cursor)).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof value.dueAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.dueAt))) return { dueAt: value.dueAt, id: value.id };
  } catch {
    // Reported below with the fix.
  }
  throw new ApiError('validation_failed', `invalid cursor "${cursor}": pass the nextCursor of the previous page unchanged`, {
    errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }],
  });
}

/** Lists open tasks due by the end of the agenda day, oldest first, a page at a time. */
export async function listAgenda(sql: Sql, filter: AgendaFilter): Promise<{ tasks: TaskSummary[]; nextCursor: string | null }> {
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const endOfDay = filter.date
    ? sql`(${filter.date}::date + 1)::timestamp at time zone c.time_zone`
    : sql`((now() at time zone c.time_zone)::date + 1)::timestamp at time zone c.time_zone`;

  const rows = await sql<TaskRow[]>`
    ${SELECT_TASK(sql)}
    where t.status = 'open' and t.due_at < ${endOfDay}
      ${filter.kind ? sql`and t.kind = ${filter.kind}` : sql``}
      ${filter.assignee ? sql`and t.assignee = ${filter.assignee}` : sql``}
      ${filter.customerId ? sql`and t.customer_id = ${filter.customerId}` : sql``}
      ${after ? sql`and (t.due_at, t.id) > (${after.dueAt}::timestamptz, ${after.id}::uuid)` : sql``}
    order by t.due_at, t.id
    limit ${filter.limit + 1}`;

  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { tasks: page.map(toTaskSummary), nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
}

export async function findTask(sql: Sql, taskId: string): Promise<TaskRow> {
  const [row] = await sql<TaskRow[]>`${SELECT_TASK(sql)} where t.id = ${taskId}`;
  if (!row) throw notFound('task', taskId);
  return row;
}

/** Contact roles in the order a collector calls them: whoever pays supplier invoices first. */
const CALL_ROLE_ORDER = ['accounts_payable', 'invoicing', 'main', 'other'];

/**
 * Returns a task with what its collector needs: for a call, the contact to call with a
 * phone number, the balance due and the call script in the contact's language; for a
 * visit, the customer's postal address and the balance due.
 */
export async function readTaskDetail(sql: Sql, taskId: string, creditorName: string) {
  const row = await findTask(sql, taskId);
  const [customer] = await sql<{ name: string; is_business: boolean; language: 'fr' | 'en'; address: string | null }[]>`
    select name, is_business, language, address from customers where id = ${row.customer_id}`;
  const contacts = await sql<{ id: string; role: string; name: string | null; phone: string | null; email: string | null; language: 'fr' | 'en' | null }[]>`
    select id, role, name, phone, email, language from contacts where customer_id = ${row.customer_id}`;
  const [contact] = contacts
    .filter((candidate) => candidate.phone)
    .sort((left, right) => CALL_ROLE_ORDER.indexOf(left.role) - CALL_ROLE_ORDER.indexOf(right.role));

  let balance: InvoiceBalance | null = null;
  let invoice: { number: string; issueDate: string; dueDate: string } | null = null;
  if (row.invoice_id) {
    balance = await readInvoiceBalance(sql, row.invoice_id);
    const [dates] = await sql<{ number: string; issue_date: string; due_date: string }[]>`
      select number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date from invoices where id = ${row.invoice_id}`;
    if (dates) invoice = { number: dates.number, issueDate: dates.issue_date, dueDate: dates.due_date };
  }

  const language = contact?.language ?? customer?.language ?? 'fr';
  const script =
    row.kind === 'call' && customer && invoice && balance && balance.dueMinor > 0
      ? renderCallScript({
          language,
          contactName: contact?.name ?? undefined,
          customer: { name: customer.name, isBusiness: customer.is_business },
          creditor: { name: creditorName },
          invoices: [{ ...invoice, currency: balance.currency, originalMinor: balance.originalMinor, paidMinor: balance.originalMinor - balance.dueMinor, dueMinor: balance.dueMinor }],
          asOfDate: localDateOf(new Date(), row.time_zone),
        })
      : null;

  return {
    task: toTaskSummary(row),
    contact: contact ? { id: contact.id, role: contact.role, name: contact.name, phone: contact.phone, language: contact.language ?? customer?.language ?? null } : null,
    customer: customer ? { name: customer.name, isBusiness: customer.is_business, language: customer.language, address: customer.address } : null,
    amountsDue: balance && invoice ? [{ invoiceId: balance.invoiceId, number: invoice.number, dueDate: invoice.dueDate, currency: balance.currency, originalMinor: balance.originalMinor, dueMinor: balance.dueMinor }] : [],
    script: script ? { language, text: script } : null,
  };
}
