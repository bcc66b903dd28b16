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
  /** Id of the task that leads this task's group, whose call or visit covers every invoice of the group. The task's own id when it leads. */
  groupId: string;
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
  group_id: string | null;
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
    groupId: row.group_id ?? row.id,
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
  select t.id, t.group_id, t.idempotency_key, t.kind, t.status, t.due_at, t.assignee, t.step_key, t.workflow_id, t.invoice_id,
    i.number as invoice_number, t.customer_id, c.name as customer_name, c.time_zone, t.data, t.outcome, t.completed_at
  from tasks t join customers c on c.id = t.customer_id left join invoices i on i.id = t.invoice_id`;

/** One invoice a task's group covers, with the balance its case last read. */
export interface GroupInvoice {
  taskId: string;
  taskStatus: string;
  invoiceId: string;
  invoiceNumber: string;
  workflowId: string | null;
  /** Balance due in minor units of `currency`, as the case last read it, or as the step saw it before the case recorded one. */
  dueMinor: number;
  currency: string;
}

/** A task with the invoices of its group and their totals per currency, never added across currencies. */
export interface AgendaEntry extends TaskSummary {
  invoices: GroupInvoice[];
  totals: { currency: string; dueMinor: number }[];
}

interface GroupInvoiceRow {
  task_id: string;
  leader_id: string;
  task_status: string;
  invoice_id: string;
  invoice_number: string;
  workflow_id: string | null;
  due_minor: number;
  currency: string;
}

/**
 * Reads the invoices of the groups that `leaderIds` lead, oldest due date first. Only
 * the open tasks' invoices when `openOnly`. An invoice that two tasks of a group share
 * (a call back and a later step) is listed once.
 */
export async function readGroupInvoices(sql: Sql, leaderIds: string[], { openOnly }: { openOnly: boolean }): Promise<Map<string, GroupInvoice[]>> {
  const groups = new Map<string, GroupInvoice[]>(leaderIds.map((id) => [id, []]));
  if (leaderIds.length === 0) return groups;

  const rows = await sql<GroupInvoiceRow[]>`
    select t.id as task_id, coalesce(t.group_id, t.id) as leader_id, t.status as task_status, t.invoice_id, i.number as invoice_number, t.workflow_id,
      coalesce(cs.amount_due_minor, (t.data->>'dueMinor')::bigint, i.total_minor) as due_minor,
      coalesce(cs.currency, i.currency) as currency
    from tasks t join invoices i on i.id = t.invoice_id left join cases cs on cs.workflow_id = t.workflow_id
    where (t.id = any(${leaderIds}::uuid[]) or t.group_id = any(${leaderIds}::uuid[]))
      ${openOnly ? sql`and t.status = 'open'` : sql``}
    order by i.due_date, i.number, t.created_at, t.id`;

  for (const row of rows) {
    const invoices = groups.get(row.leader_id);
    if (!invoices || invoices.some((invoice) => invoice.invoiceId === row.invoice_id)) continue;
    invoices.push({
      taskId: row.task_id,
      taskStatus: row.task_status,
      invoiceId: row.invoice_id,
      invoiceNumber: row.invoice_number,
      workflowId: row.workflow_id,
      dueMinor: row.due_minor,
      currency: row.currency.trim(),
    });
  }
  return groups;
}

/** Sums balances per currency, in the order the currencies first appear. */
export function totalsPerCurrency(amounts: { currency: string; dueMinor: number }[]): { currency: string; dueMinor: number }[] {
  const totals = new Map<string, number>();
  for (const amount of amounts) totals.set(amount.currency, (totals.get(amount.currency) ?? 0) + amount.dueMinor);
  return [...totals].map(([currency, dueMinor]) => ({ currency, dueMinor }));
}

function toAgendaEntry(row: TaskRow, invoices: GroupInvoice[]): AgendaEntry {
  return { ...toTaskSummary(row), invoices, totals: totalsPerCurrency(invoices) };
}

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

/**
 * Lists the open groups of tasks due by the end of the agenda day, oldest first, a page at
 * a time. A group is listed once, as its leader, due when its earliest open task is due,
 * with the invoices of its open tasks.
 */
export async function listAgenda(sql: Sql, filter: AgendaFilter): Promise<{ tasks: AgendaEntry[]; nextCursor: string | null }> {
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const endOfDay = filter.date
    ? sql`(${filter.date}::date + 1)::timestamp at time zone c.time_zone`
    : sql`((now() at time zone c.time_zone)::date + 1)::timestamp at time zone c.time_zone`;

  const rows = await sql<(TaskRow & { group_due_at: Date })[]>`
    with open_groups as (
      select coalesce(t.group_id, t.id) as leader_id, min(t.due_at) as group_due_at
      from tasks t
      where t.status = 'open'
        ${filter.kind ? sql`and t.kind = ${filter.kind}` : sql``}
        ${filter.customerId ? sql`and t.customer_id = ${filter.customerId}` : sql``}
      group by 1
    )
    select t.id, t.group_id, t.idempotency_key, t.kind, t.status, g.group_due_at as due_at, t.assignee, t.step_key, t.workflow_id, t.invoice_id,
      i.number as invoice_number, t.customer_id, c.name as customer_name, c.time_zone, t.data, t.outcome, t.completed_at
    from open_groups g join tasks t on t.id = g.leader_id join customers c on c.id = t.customer_id left join invoices i on i.id = t.invoice_id
    where g.group_due_at < ${endOfDay}
      ${filter.assignee ? sql`and t.assignee = ${filter.assignee}` : sql``}
      ${after ? sql`and (g.group_due_at, t.id) > (${after.dueAt}::timestamptz, ${after.id}::uuid)` : sql``}
    order by g.group_due_at, t.id
    limit ${filter.limit + 1}`;

  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const invoices = await readGroupInvoices(sql, page.map((row) => row.id), { openOnly: true });
  return {
    tasks: page.map((row) => toAgendaEntry(row, invoices.get(row.id) ?? [])),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
  };
}

export async function findTask(sql: Sql, taskId: string): Promise<TaskRow> {
  const [row] = await sql<TaskRow[]>`${SELECT_TASK(sql)} where t.id = ${taskId}`;
  if (!row) throw notFound('task', taskId);
  return row;
}

/** Contact roles in the order a collector calls them: whoever pays supplier invoices first. */
const CALL_ROLE_ORDER = ['accounts_payable', 'invoicing', 'main', 'other'];

/**
 * Returns a task with what its collector needs. For a call: the contact to call with a
 * phone number, the balance due of every invoice of the task's group and the call script
 * in the contact's language. For a visit: the customer's postal address and the balances
 * due. A leader and each member of a group return the same invoices.
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

  const leaderId = row.group_id ?? row.id;
  const members = (await readGroupInvoices(sql, [leaderId], { openOnly: false })).get(leaderId) ?? [];
  const amountsDue = await readAmountsDue(sql, members);

  // An open task's script covers the invoices still to talk about, never those a partial completion already recorded.
  const scripted = amountsDue.filter((amount) => amount.dueMinor > 0 && (row.status !== 'open' || amount.taskStatus === 'open'));
  const language = contact?.language ?? customer?.language ?? 'fr';
  const script =
    row.kind === 'call' && customer && scripted.length > 0
      ? renderCallScript({
          language,
          contactName: contact?.name ?? undefined,
          customer: { name: customer.name, isBusiness: customer.is_business },
          creditor: { name: creditorName },
          invoices: scripted.map((amount) => ({
            number: amount.number,
            issueDate: amount.issueDate,
            dueDate: amount.dueDate,
            currency: amount.currency,
            originalMinor: amount.originalMinor,
            paidMinor: amount.originalMinor - amount.dueMinor,
            dueMinor: amount.dueMinor,
          })),
          asOfDate: localDateOf(new Date(), row.time_zone),
        })
      : null;

  return {
    task: toAgendaEntry(row, members),
    contact: contact ? { id: contact.id, role: contact.role, name: contact.name, phone: contact.phone, language: contact.language ?? customer?.language ?? null } : null,
    customer: customer ? { name: customer.name, isBusiness: customer.is_business, language: customer.language, address: customer.address } : null,
    amountsDue: amountsDue.map(({ issueDate: _issueDate, ...amount }) => amount),
    totals: totalsPerCurrency(amountsDue),
    script: script ? { language, text: script } : null,
  };
}

/** Re-reads the balance of record of each invoice of a group, as a collector about to call needs it. */
async function readAmountsDue(sql: Sql, members: GroupInvoice[]) {
  const amounts = [];
  for (const member of members) {
    const balance: InvoiceBalance = await readInvoiceBalance(sql, member.invoiceId);
    const [dates] = await sql<{ issue_date: string; due_date: string }[]>`
      select to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date from invoices where id = ${member.invoiceId}`;
    if (!dates) continue;
    amounts.push({
      invoiceId: balance.invoiceId,
      taskId: member.taskId,
      taskStatus: member.taskStatus,
      number: member.invoiceNumber,
      issueDate: dates.issue_date,
      dueDate: dates.due_date,
      currency: balance.currency,
      originalMinor: balance.originalMinor,
      dueMinor: balance.dueMinor,
    });
  }
  return amounts;
}
