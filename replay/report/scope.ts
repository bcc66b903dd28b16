import type { Sql } from '../../db/client.js';
import type { ReplayPeriod } from './schema.js';

/**
 * Returns the ids of the invoices a report covers, as a SQL fragment: the invoices (not
 * credit notes) issued in the period. Their cases, messages, tasks, letters and carbon
 * lines count whenever they happened, because a replay writes some rows at wall-clock
 * time (letters, carbon lines) while its cases run on simulated time.
 */
export function scopedInvoiceIds(sql: Sql, period: ReplayPeriod) {
  return sql`select id from invoices where kind = 'invoice' and issue_date between ${period.from} and ${period.to}`;
}

/** Returns the first instant after the period: midnight UTC after its last day. */
export function periodEndInstant(period: ReplayPeriod): Date {
  const end = new Date(`${period.to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return end;
}
