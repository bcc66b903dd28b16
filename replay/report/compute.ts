import { agedBalanceSeries } from '../../api/services/dashboards.js';
import type { Sql } from '../../db/client.js';
import { daysBetween } from '../../domain/dates.js';
import { carbonOfScope } from './carbon.js';
import { disputeWindows, remindersAfterPayment, remindersDuringDispute } from './reminder-checks.js';
import {
  CASE_OUTCOMES,
  periodSchema,
  replayReportSchema,
  reportMetaSchema,
  REPORT_VERSION,
  type CaseOutcome,
  type ReplayPeriod,
  type ReplayReport,
  type ReplayReportMeta,
} from './schema.js';
import { periodEndInstant, scopedInvoiceIds } from './scope.js';

// Computes the replay report from the database alone. The scope is the invoices issued in
// the period (see scope.ts); the period end decides which cases count as still open.

const TERMINAL_OUTCOMES = new Set<string>(['paid', 'settled_by_credit_note', 'written_off', 'handed_over', 'cancelled']);

async function countScope(sql: Sql, period: ReplayPeriod): Promise<ReplayReport['scope']> {
  const [row] = await sql<{ invoices: number; customers: number; cases: number }[]>`
    select count(*)::int as invoices, count(distinct i.customer_id)::int as customers, count(c.workflow_id)::int as cases
    from invoices i left join cases c on c.invoice_id = i.id
    where i.id in (${scopedInvoiceIds(sql, period)})`;
  return row ?? { invoices: 0, customers: 0, cases: 0 };
}

/** Counts cases by outcome: a case ended by the period end counts in its terminal state, any other as open (in dispute or not) at the period end. */
async function caseOutcomes(sql: Sql, period: ReplayPeriod, disputedAtEnd: Set<string>): Promise<ReplayReport['cases']> {
  const rows = await sql<{ workflow_id: string; terminal_state: string | null; ended_at: Date | null }[]>`
    select c.workflow_id, coalesce(e.data->>'terminalState', c.terminal_state) as terminal_state, e.occurred_at as ended_at
    from cases c left join case_events e on e.workflow_id = c.workflow_id and e.type = 'case_ended'
    where c.invoice_id in (${scopedInvoiceIds(sql, period)})`;

  const end = periodEndInstant(period);
  const byOutcome = Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CaseOutcome, number>;
  for (const row of rows) {
    const ended = row.ended_at !== null && row.ended_at < end && row.terminal_state !== null && TERMINAL_OUTCOMES.has(row.terminal_state);
    let outcome: CaseOutcome;
    if (ended) outcome = row.terminal_state as CaseOutcome;
    else if (disputedAtEnd.has(row.workflow_id)) outcome = 'disputed_at_period_end';
    else outcome = 'open_at_period_end';
    byOutcome[outcome] += 1;
  }
  return { total: rows.length, byOutcome };
}

/**
 * Reminders per channel: e-mails sent, calls and visits opened (not cancelled, one per
 * group of tasks, since a group is one call about all its invoices), reminder letters and
 * formal notices printed.
 */
async function channelCounts(sql: Sql, period: ReplayPeriod): Promise<{ channels: ReplayReport['channels']; notDeliverable: number }> {
  const [row] = await sql<{ email: number; not_deliverable: number; phone: number; visit: number; letter: number; registered_letter: number }[]>`
    with scope as (${scopedInvoiceIds(sql, period)}),
    emails as (
      select distinct m.id, m.status from messages m join message_invoices mi on mi.message_id = m.id
      where m.channel = 'email' and mi.invoice_id in (select id from scope)
    )
    select
      (select count(*) from emails where status <> 'not_deliverable')::int as email,
      (select count(*) from emails where status = 'not_deliverable')::int as not_deliverable,
      (select count(distinct coalesce(group_id, id)) from tasks where kind = 'call' and status <> 'cancelled' and invoice_id in (select id from scope))::int as phone,
      (select count(distinct coalesce(group_id, id)) from tasks where kind = 'visit' and status <> 'cancelled' and invoice_id in (select id from scope))::int as visit,
      (select count(*) from letters where kind = 'reminder_letter' and invoice_id in (select id from scope))::int as letter,
      (select count(*) from letters where kind = 'formal_notice' and invoice_id in (select id from scope))::int as registered_letter`;
  const counts = row ?? { email: 0, not_deliverable: 0, phone: 0, visit: 0, letter: 0, registered_letter: 0 };
  return {
    channels: { email: counts.email, phone: counts.phone, letter: counts.letter, registered_letter: counts.registered_letter, visit: counts.visit },
    notDeliverable: counts.not_deliverable,
  };
}

/** E-mails as sent, one per customer and send slot, against one per invoice carried. */
async function emailGrouping(sql: Sql, period: ReplayPeriod): Promise<ReplayReport['emailGrouping']> {
  const [row] = await sql<{ emails: number; lines: number; invoices: number }[]>`
    select count(distinct m.id)::int as emails, count(*)::int as lines, count(distinct mi.invoice_id)::int as invoices
    from messages m join message_invoices mi on mi.message_id = m.id
    where m.channel = 'email' and m.status <> 'not_deliverable' and mi.invoice_id in (${scopedInvoiceIds(sql, period)})`;
  const { emails = 0, lines = 0, invoices = 0 } = row ?? {};
  return {
    invoicesReminded: invoices,
    emails,
    emailsWithoutGrouping: lines,
    emailsPerInvoice: invoices > 0 ? emails / invoices : null,
    emailsPerInvoiceWithoutGrouping: invoices > 0 ? lines / invoices : null,
    ratio: lines > 0 ? emails / lines : null,
  };
}

/** Promises as the engine judged them: its promise_kept and promise_broken events. */
async function promiseCounts(sql: Sql, period: ReplayPeriod): Promise<ReplayReport['promises']> {
  const [row] = await sql<{ made: number; kept: number; broken: number }[]>`
    select count(*) filter (where type = 'promise_made')::int as made,
      count(*) filter (where type = 'promise_kept')::int as kept,
      count(*) filter (where type = 'promise_broken')::int as broken
    from case_events where type in ('promise_made', 'promise_kept', 'promise_broken') and invoice_id in (${scopedInvoiceIds(sql, period)})`;
  const { made = 0, kept = 0, broken = 0 } = row ?? {};
  return { made, kept, broken, pending: Math.max(0, made - kept - broken) };
}

/** Payments (not reversed) received by the period end and allocated to the scope's invoices, per invoice currency. */
async function cashCollected(sql: Sql, period: ReplayPeriod): Promise<ReplayReport['cashCollected']> {
  return sql<{ currency: string; amountMinor: number }[]>`
    select i.currency, sum(a.amount_minor)::bigint as "amountMinor"
    from allocations a join payments p on p.id = a.payment_id join invoices i on i.id = a.invoice_id
    where p.reversed_at is null and p.received_on <= ${period.to} and a.invoice_id in (${scopedInvoiceIds(sql, period)})
    group by i.currency order by i.currency`;
}

/** Reads the ledger's aged balance at the end of each week (the last one ends on the period's last day) in each currency of the scope. */
async function agedBalance(sql: Sql, period: ReplayPeriod): Promise<ReplayReport['agedBalance']> {
  const currencies = await sql<{ currency: string }[]>`
    select distinct currency from invoices where id in (${scopedInvoiceIds(sql, period)}) order by currency`;
  const weeks = Math.floor(daysBetween(period.from, period.to) / 7) + 1;
  const series: ReplayReport['agedBalance'] = [];
  for (const { currency } of currencies) {
    const points = await agedBalanceSeries(sql, { asOf: period.to, currency, weeks });
    series.push({ currency, weeks: points });
  }
  return series;
}

/** Computes every figure of the replay report from the database. */
export async function computeReplayReport(sql: Sql, period: ReplayPeriod, meta: ReplayReportMeta): Promise<ReplayReport> {
  const checkedPeriod = periodSchema.parse(period);
  const checkedMeta = reportMetaSchema.parse(meta);
  const end = periodEndInstant(checkedPeriod);

  const windows = await disputeWindows(sql, checkedPeriod);
  const openAtEnd = windows.filter((window) => window.openedAt < end && (window.closedAt === null || window.closedAt >= end));
  const { channels, notDeliverable } = await channelCounts(sql, checkedPeriod);
  const afterPayment = await remindersAfterPayment(sql, checkedPeriod);
  const duringDispute = await remindersDuringDispute(sql, checkedPeriod, windows);
  const cash = await cashCollected(sql, checkedPeriod);
  const eurCollected = cash.find((entry) => entry.currency === 'EUR')?.amountMinor ?? 0;

  return replayReportSchema.parse({
    version: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    period: checkedPeriod,
    meta: checkedMeta,
    scope: await countScope(sql, checkedPeriod),
    cases: await caseOutcomes(sql, checkedPeriod, new Set(openAtEnd.map((window) => window.workflowId))),
    channels,
    emailsNotDeliverable: notDeliverable,
    emailGrouping: await emailGrouping(sql, checkedPeriod),
    remindersAfterPayment: { count: afterPayment.length, reminders: afterPayment },
    remindersDuringDispute: { count: duringDispute.length, reminders: duringDispute },
    promises: await promiseCounts(sql, checkedPeriod),
    disputes: {
      opened: windows.length,
      resolved: await countEvents(sql, checkedPeriod, 'dispute_resolved'),
      openAtPeriodEnd: openAtEnd.length,
      closedWithCase: windows.filter((window) => window.closedBy === 'case_ended' && window.closedAt !== null && window.closedAt < end).length,
    },
    cashCollected: cash,
    carbon: await carbonOfScope(sql, checkedPeriod, eurCollected),
    agedBalance: await agedBalance(sql, checkedPeriod),
  });
}

async function countEvents(sql: Sql, period: ReplayPeriod, type: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from case_events where type = ${type} and invoice_id in (${scopedInvoiceIds(sql, period)})`;
  return row?.count ?? 0;
}
