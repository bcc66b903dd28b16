import { z } from 'zod';
import type { Sql } from '../../db/client.js';
import { caseStatusSchema } from '../../domain/case.js';
import { instant, money, number } from './format.js';
import { h, messagesOf, type BackofficeLanguage } from './layout.js';

// The case list: search by customer name or invoice number, filter by status, pages of
// 50 in keyset order (newest case first), so that page 200 costs what page 1 costs.

export const caseListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().default(''),
  status: z.union([caseStatusSchema, z.literal('')]).optional().default(''),
  after: z.string().max(200).optional(),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

const PAGE_SIZE = 50;

interface CaseListRow {
  workflow_id: string;
  invoice_id: string;
  number: string;
  customer: string;
  time_zone: string;
  status: string;
  stage: string | null;
  amount_due_minor: number | null;
  currency: string | null;
  days_overdue: number;
  next_action_at: Date | null;
  started_at: Date;
}

function decodeAfter(after: string | undefined): { startedAt: string; workflowId: string } | null {
  if (!after) return null;
  const [startedAt, workflowId] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  if (!startedAt || !workflowId || Number.isNaN(Date.parse(startedAt))) return null;
  return { startedAt, workflowId };
}

/** Reads one page of cases with the key of the next page, or null on the last one. */
export async function listCases(sql: Sql, query: CaseListQuery): Promise<{ rows: CaseListRow[]; next: string | null }> {
  const after = decodeAfter(query.after);
  const pattern = `%${query.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const rows = await sql<CaseListRow[]>`
    select c.workflow_id, c.invoice_id, i.number, cu.name as customer, cu.time_zone, c.status, c.stage, c.amount_due_minor, c.currency,
      ((now() at time zone cu.time_zone)::date - i.due_date) as days_overdue, c.next_action_at, c.started_at
    from cases c join invoices i on i.id = c.invoice_id join customers cu on cu.id = c.customer_id
    where true
      ${query.status ? sql`and c.status = ${query.status}` : sql``}
      ${query.q ? sql`and (cu.name ilike ${pattern} or i.number ilike ${pattern})` : sql``}
      ${after ? sql`and (c.started_at, c.workflow_id) < (${after.startedAt}::timestamptz, ${after.workflowId})` : sql``}
    order by c.started_at desc, c.workflow_id desc
    limit ${PAGE_SIZE + 1}`;
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  const next = rows.length > PAGE_SIZE && last ? Buffer.from(`${last.started_at.toISOString()}|${last.workflow_id}`).toString('base64url') : null;
  return { rows: page, next };
}

export function caseListBody(result: Awaited<ReturnType<typeof listCases>>, query: CaseListQuery, language: BackofficeLanguage): string {
  const messages = messagesOf(language);
  const labels = messages.cases;
  const statuses = [`<option value="">${h(labels.anyStatus)}</option>`]
    .concat(caseStatusSchema.options.map((status) => `<option value="${status}"${status === query.status ? ' selected' : ''}>${h(messages.statuses[status] ?? status)}</option>`))
    .join('');
  const form = `<form method="get" action="/backoffice/cases" class="inline" role="search">`
    + `<div><label for="q">${h(labels.search)}</label><input id="q" name="q" type="search" value="${h(query.q)}"></div>`
    + `<div><label for="status">${h(labels.status)}</label><select id="status" name="status">${statuses}</select></div>`
    + `<button type="submit">${h(labels.submit)}</button></form>`;

  const rows = result.rows
    .map((row) => `<tr><td>${h(row.customer)}</td><td><a href="/backoffice/cases/${row.invoice_id}">${h(row.number)}</a></td>`
      + `<td>${h(messages.statuses[row.status] ?? row.status)}</td><td>${h(row.stage ?? '–')}</td>`
      + `<td class="num">${money(row.amount_due_minor, row.currency, language)}</td><td class="num">${number(row.days_overdue, language)}</td>`
      + `<td>${instant(row.next_action_at, row.time_zone, language)}</td></tr>`)
    .join('');
  const table = result.rows.length === 0
    ? `<p>${h(labels.none)}</p>`
    : `<table><thead><tr><th scope="col">${h(labels.customer)}</th><th scope="col">${h(labels.invoice)}</th><th scope="col">${h(labels.status)}</th>`
      + `<th scope="col">${h(labels.stage)}</th><th scope="col" class="num">${h(labels.amount)}</th><th scope="col" class="num">${h(labels.daysOverdue)}</th>`
      + `<th scope="col">${h(labels.nextAction)}</th></tr></thead><tbody>${rows}</tbody></table>`;

  const params = new URLSearchParams({ q: query.q, status: query.status });
  const first = query.after ? `<a href="/backoffice/cases?${h(params.toString())}">${h(labels.first)}</a> ` : '';
  const next = result.next ? `<a href="/backoffice/cases?${h(params.toString())}&amp;after=${result.next}" rel="next">${h(labels.next)}</a>` : '';
  return `${form}${table}<nav aria-label="pagination"><p>${first}${next}</p></nav>`;
}
