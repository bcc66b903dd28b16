import type { Sql } from '../../db/client.js';
import { addDays, daysBetween, type CalendarDate } from '../../domain/dates.js';
import { summarizeCarbon } from './carbon.js';

// Figures of the credit manager's dashboards, each read as of a calendar date and in one
// currency (amounts in different currencies are never added). A balance "as of" a date
// counts only the payments received, credit notes issued and write-offs made by that
// date, so past weeks read the same whenever they are computed.

export const AGE_BUCKETS = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'over_90'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
export type AgedBalance = Record<AgeBucket, number>;

export interface DashboardQuery {
  asOf: CalendarDate;
  currency: string;
  /** Number of weeks in the weekly series, the last one ending on `asOf`. */
  weeks: number;
}

/**
 * Movements that reduce an invoice, each on the date it counts from.
 * NOTE: a payment not yet allocated to an invoice (document_balances counts one that
 * names the invoice number) is left out here until its allocation is recorded.
 */
const MOVEMENTS = (sql: Sql) => sql`
  select a.invoice_id, p.received_on as on_date, a.amount_minor
    from allocations a join payments p on p.id = a.payment_id where p.reversed_at is null
  union all
  select a.invoice_id, cn.issue_date, a.amount_minor
    from allocations a join invoices cn on cn.id = a.credit_note_id where cn.cancelled_at is null
  union all
  select w.invoice_id, w.created_at::date, w.amount_minor from write_offs w`;

function bucketOf(daysLate: number): AgeBucket {
  if (daysLate <= 0) return 'not_due';
  if (daysLate <= 30) return 'd1_30';
  if (daysLate <= 60) return 'd31_60';
  if (daysLate <= 90) return 'd61_90';
  return 'over_90';
}

function emptyAged(): AgedBalance {
  return { not_due: 0, d1_30: 0, d31_60: 0, d61_90: 0, over_90: 0 };
}

/** The end date of each week of the series, oldest first: asOf - 7 * (weeks - 1), ..., asOf. */
export function weekEnds(query: DashboardQuery): CalendarDate[] {
  return Array.from({ length: query.weeks }, (_, index) => addDays(query.asOf, -7 * (query.weeks - 1 - index)));
}

/**
 * Returns the aged balance at the end of each week: every invoice issued by that date
 * and not cancelled then, less its movements by that date, in the bucket of its days
 * past the due date on that date.
 *
 * NOTE: cash and credit notes on account count only once allocated (by an API client, or
 * by a case as it ends), so until then the balance and the DSO include what they cover.
 */
export async function agedBalanceSeries(sql: Sql, query: DashboardQuery): Promise<{ date: CalendarDate; balance: AgedBalance }[]> {
  const dates = weekEnds(query);
  const rows = await sql<{ date: string; days_late: number; open_minor: number }[]>`
    with moves as (${MOVEMENTS(sql)}),
    dates as (select unnest(${dates}::date[]) as d)
    select to_char(d.d, 'YYYY-MM-DD') as date, (d.d - i.due_date) as days_late,
      (i.total_minor - coalesce(sum(m.amount_minor) filter (where m.on_date <= d.d), 0))::bigint as open_minor
    from dates d
      join invoices i on i.kind = 'invoice' and i.currency = ${query.currency} and i.issue_date <= d.d
        and (i.cancelled_at is null or i.cancelled_at::date > d.d)
      left join moves m on m.invoice_id = i.id
    group by d.d, i.id, i.due_date, i.total_minor`;

  const series = new Map(dates.map((date) => [date, emptyAged()]));
  for (const row of rows) {
    const balance = series.get(row.date);
    if (!balance || row.open_minor <= 0) continue;
    balance[bucketOf(row.days_late)] += row.open_minor;
  }
  return dates.map((date) => ({ date, balance: series.get(date) ?? emptyAged() }));
}

/**
 * DSO by the countback method. The receivables open on `asOf` are matched against sales
 * (invoices issued, by issue date) month by month, going back from the month of `asOf`:
 * while a month's sales are smaller than the receivables left, they are subtracted and
 * the month's days are added (the current month counts its days up to `asOf`); the month
 * that covers the rest adds its days in proportion, rest / sales * days. Unlike
 * receivables / sales * days over a fixed period, the result follows recent sales.
 * Returns null when there are no receivables or the last 24 months hold no sales.
 */
export async function countbackDso(sql: Sql, query: DashboardQuery, receivablesMinor: number): Promise<number | null> {
  if (receivablesMinor <= 0) return 0;
  const monthStart = `${query.asOf.slice(0, 7)}-01`;
  const sales = await sql<{ month: string; sales_minor: number }[]>`
    select to_char(date_trunc('month', issue_date), 'YYYY-MM-DD') as month, sum(total_minor)::bigint as sales_minor
    from invoices
    where kind = 'invoice' and currency = ${query.currency} and cancelled_at is null
      and issue_date <= ${query.asOf} and issue_date >= (${monthStart}::date - interval '23 months')
    group by 1`;
  const byMonth = new Map(sales.map((row) => [row.month, row.sales_minor]));

  let left = receivablesMinor;
  let days = 0;
  let start = monthStart;
  for (let month = 0; month < 24; month += 1) {
    const end = month === 0 ? query.asOf : addDays(addMonths(start, 1), -1);
    const daysInPeriod = daysBetween(start, end) + 1;
    const monthSales = byMonth.get(start) ?? 0;
    if (monthSales >= left) return days + (left / monthSales) * daysInPeriod;
    left -= monthSales;
    days += daysInPeriod;
    start = addMonths(start, -1);
  }
  return null;
}

function addMonths(firstOfMonth: CalendarDate, months: number): CalendarDate {
  const [year, month] = firstOfMonth.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** Cash received per week (payments by received date, reversed ones excluded), weeks ending on the dates of weekEnds. */
export async function cashPerWeek(sql: Sql, query: DashboardQuery): Promise<{ date: CalendarDate; amountMinor: number }[]> {
  const dates = weekEnds(query);
  const first = addDays(dates[0] ?? query.asOf, -6);
  const rows = await sql<{ received_on: string; amount_minor: number }[]>`
    select to_char(received_on, 'YYYY-MM-DD') as received_on, sum(amount_minor)::bigint as amount_minor from payments
    where currency = ${query.currency} and reversed_at is null and received_on between ${first} and ${query.asOf}
    group by received_on`;
  return dates.map((end) => ({
    date: end,
    amountMinor: rows.filter((row) => row.received_on > addDays(end, -7) && row.received_on <= end).reduce((sum, row) => sum + row.amount_minor, 0),
  }));
}

/**
 * Promises made in the period (the workflow's promise_made events, whose detail starts
 * with the promised date and amount). A promise is kept when payments received by the
 * promised date cover its amount, broken when that date has passed without them, and
 * pending otherwise.
 */
export async function promiseOutcomes(sql: Sql, query: DashboardQuery): Promise<{ made: number; kept: number; broken: number; pending: number }> {
  const from = addDays(query.asOf, -7 * query.weeks + 1);
  const rows = await sql<{ promised_date: string; promised_minor: number; paid_minor: number }[]>`
    with promises as (
      select e.invoice_id, split_part(e.data->>'detail', ' ', 1) as promised_date, split_part(e.data->>'detail', ' ', 2)::bigint as promised_minor
      from case_events e
      where e.type = 'promise_made' and e.occurred_at::date between ${from} and ${query.asOf} and e.data->>'detail' ~ '^\\d{4}-\\d{2}-\\d{2} \\d+'
    )
    select p.promised_date, p.promised_minor,
      coalesce((select sum(a.amount_minor) from allocations a join payments pay on pay.id = a.payment_id
                where a.invoice_id = p.invoice_id and pay.reversed_at is null and pay.received_on <= p.promised_date::date), 0)::bigint as paid_minor
    from promises p`;
  let kept = 0;
  let broken = 0;
  for (const row of rows) {
    if (row.paid_minor >= row.promised_minor) kept += 1;
    else if (row.promised_date < query.asOf) broken += 1;
  }
  return { made: rows.length, kept, broken, pending: rows.length - kept - broken };
}

/** Cases in dispute on the day, by days since their last dispute_opened event: 0-7, 8-30, over 30. */
export async function openDisputesByAge(sql: Sql, query: DashboardQuery): Promise<{ bucket: '0_7' | '8_30' | 'over_30'; count: number }[]> {
  const rows = await sql<{ age: number }[]>`
    select (${query.asOf}::date - (select max(e.occurred_at)::date from case_events e where e.workflow_id = c.workflow_id and e.type = 'dispute_opened')) as age
    from cases c where c.status = 'disputed'`;
  const counts = { '0_7': 0, '8_30': 0, over_30: 0 };
  for (const row of rows) {
    if (row.age === null || row.age <= 7) counts['0_7'] += 1;
    else if (row.age <= 30) counts['8_30'] += 1;
    else counts.over_30 += 1;
  }
  return (Object.keys(counts) as (keyof typeof counts)[]).map((bucket) => ({ bucket, count: counts[bucket] }));
}

/** Reminders sent in the period per channel: e-mails that carried an invoice, letters by kind, calls and visits done (one per group of tasks). */
export async function remindersPerChannel(sql: Sql, query: DashboardQuery): Promise<{ channel: string; count: number }[]> {
  const from = addDays(query.asOf, -7 * query.weeks + 1);
  return sql<{ channel: string; count: number }[]>`
    select channel, count(*)::int as count from (
      select 'email' as channel from messages m where m.channel = 'email' and m.sent_at::date between ${from} and ${query.asOf}
        and exists (select 1 from message_invoices mi where mi.message_id = m.id)
      union all
      select case when kind = 'formal_notice' then 'registered_letter' else 'letter' end from letters where queued_at::date between ${from} and ${query.asOf}
      union all
      -- A call or visit covers every task of its group, one per invoice, so a group counts once.
      select distinct on (coalesce(group_id, id)) case when kind = 'call' then 'phone' else 'visit' end from tasks
        where kind in ('call', 'visit') and status = 'done' and completed_at::date between ${from} and ${query.asOf}
    ) sent group by channel order by channel`;
}

/** The carbon ledger of the period per channel against the letter-only baseline, and both per thousand units of cash collected. */
export async function carbonPerChannel(sql: Sql, query: DashboardQuery, cashMinor: number) {
  const from = addDays(query.asOf, -7 * query.weeks + 1);
  const summary = await summarizeCarbon(sql, { groupBy: 'channel', from: `${from}T00:00:00Z`, to: `${addDays(query.asOf, 1)}T00:00:00Z`, includeLines: false });
  // NOTE: assumes a currency of two minor digits (EUR, USD): 1000 units are 100 000 minor units.
  const thousands = cashMinor / 100_000;
  return {
    groups: summary.groups.map((group) => ({ channel: group.key, grams: group.gramsCo2e, baselineGrams: group.baselineGramsCo2e })),
    totalGrams: summary.totals.gramsCo2e,
    baselineGrams: summary.totals.baselineGramsCo2e,
    gramsPerThousand: thousands > 0 ? summary.totals.gramsCo2e / thousands : null,
    baselinePerThousand: thousands > 0 ? summary.totals.baselineGramsCo2e / thousands : null,
    method: summary.baseline.method,
  };
}

/** Every dashboard figure as of one day. */
export async function readDashboard(sql: Sql, query: DashboardQuery) {
  const aged = await agedBalanceSeries(sql, query);
  const today = aged.at(-1)?.balance ?? emptyAged();
  const receivables = AGE_BUCKETS.reduce((sum, bucket) => sum + today[bucket], 0);
  const cash = await cashPerWeek(sql, query);
  const cashTotal = cash.reduce((sum, week) => sum + week.amountMinor, 0);
  return {
    query,
    receivablesMinor: receivables,
    dsoDays: await countbackDso(sql, query, receivables),
    agedToday: today,
    agedWeekly: aged,
    cash,
    cashTotalMinor: cashTotal,
    promises: await promiseOutcomes(sql, query),
    disputes: await openDisputesByAge(sql, query),
    reminders: await remindersPerChannel(sql, query),
    carbon: await carbonPerChannel(sql, query, cashTotal),
  };
}
