import type { Sql } from '../../db/client.js';
import { addDays, zonedTimeToInstant, type CalendarDate } from '../../domain/dates.js';
import type { MisplacedReminder, ReplayPeriod } from './schema.js';
import { scopedInvoiceIds } from './scope.js';

// The two checks a replay must pass with zero: no reminder carried an invoice after the
// invoice was settled, and none while its dispute was open. A reminder here is a message
// that carried the invoice (message_invoices) and was not recorded as not deliverable.

interface ScopedMessage {
  message_id: string;
  invoice_id: string;
  invoice_number: string;
  customer_ref: string;
  sent_at: Date;
}

async function remindersOf(sql: Sql, period: ReplayPeriod): Promise<ScopedMessage[]> {
  return sql<ScopedMessage[]>`
    select m.id as message_id, mi.invoice_id, i.number as invoice_number, cu.external_ref as customer_ref, m.sent_at
    from messages m
      join message_invoices mi on mi.message_id = m.id
      join invoices i on i.id = mi.invoice_id
      join customers cu on cu.id = i.customer_id
    where m.status <> 'not_deliverable' and mi.invoice_id in (${scopedInvoiceIds(sql, period)})
    order by m.sent_at, i.number`;
}

function toLine(message: ScopedMessage, since: Date): MisplacedReminder {
  return {
    invoiceNumber: message.invoice_number,
    customerRef: message.customer_ref,
    messageId: message.message_id,
    sentAt: message.sent_at.toISOString(),
    since: since.toISOString(),
  };
}

interface Movement {
  invoice_id: string;
  total_minor: number;
  time_zone: string;
  on_date: string;
  created_at: Date;
  amount_minor: number;
}

/**
 * Returns the instant each settled invoice of the scope was settled: the earliest of
 *  - the case's end event when it ended as paid or settled by a credit note;
 *  - the start of the day after the settling movement's date in the customer's time zone.
 *    That date is a payment's received date or a credit note's issue date, and a payment
 *    received on a day is known by the end of that day at the latest;
 *  - the instant the settling allocation was recorded, when it was recorded on or after
 *    that date. An allocation recorded earlier comes from another clock (a replay writes
 *    rows at the wall-clock time while its cases run on simulated time) and is ignored.
 * The settling movement is the one that brings the payments (not reversed) and credit
 * notes (not cancelled) allocated to the invoice to its total, in the order of their dates.
 */
export async function settlementInstants(sql: Sql, period: ReplayPeriod): Promise<Map<string, Date>> {
  const settled = new Map<string, Date>();
  const earliest = (invoiceId: string, instant: Date) => {
    const known = settled.get(invoiceId);
    if (!known || instant < known) settled.set(invoiceId, instant);
  };

  const ends = await sql<{ invoice_id: string; occurred_at: Date }[]>`
    select invoice_id, occurred_at from case_events
    where type = 'case_ended' and data->>'terminalState' in ('paid', 'settled_by_credit_note') and invoice_id in (${scopedInvoiceIds(sql, period)})`;
  for (const end of ends) earliest(end.invoice_id, end.occurred_at);

  const movements = await sql<Movement[]>`
    select a.invoice_id, i.total_minor, cu.time_zone, to_char(coalesce(p.received_on, cn.issue_date), 'YYYY-MM-DD') as on_date,
      a.created_at, a.amount_minor
    from allocations a
      join invoices i on i.id = a.invoice_id
      join customers cu on cu.id = i.customer_id
      left join payments p on p.id = a.payment_id
      left join invoices cn on cn.id = a.credit_note_id
    where a.invoice_id in (${scopedInvoiceIds(sql, period)})
      and (a.payment_id is null or p.reversed_at is null)
      and (a.credit_note_id is null or cn.cancelled_at is null)
    order by a.invoice_id, on_date, a.created_at, a.id`;

  const covered = new Map<string, number>();
  for (const movement of movements) {
    const before = covered.get(movement.invoice_id) ?? 0;
    const after = before + movement.amount_minor;
    covered.set(movement.invoice_id, after);
    if (before >= movement.total_minor || after < movement.total_minor) continue;

    const dayStart = zonedTimeToInstant(movement.on_date as CalendarDate, '00:00', movement.time_zone);
    earliest(movement.invoice_id, zonedTimeToInstant(addDays(movement.on_date, 1), '00:00', movement.time_zone));
    if (movement.created_at >= dayStart) earliest(movement.invoice_id, movement.created_at);
  }
  return settled;
}

/** Lists the reminders sent at or after the settlement instant of the invoice they carried. */
export async function remindersAfterPayment(sql: Sql, period: ReplayPeriod): Promise<MisplacedReminder[]> {
  const settled = await settlementInstants(sql, period);
  const reminders = await remindersOf(sql, period);
  return reminders.flatMap((message) => {
    const since = settled.get(message.invoice_id);
    return since && message.sent_at >= since ? [toLine(message, since)] : [];
  });
}

export interface DisputeWindow {
  workflowId: string;
  invoiceId: string;
  openedAt: Date;
  /** The resolution, the promise that replaced the dispute, or the case's end; null while the dispute is open. */
  closedAt: Date | null;
  /** The case event that closed the dispute; null while it is open. */
  closedBy: 'dispute_resolved' | 'promise_made' | 'case_ended' | null;
}

/** Rebuilds each dispute's open interval from the case history: dispute_opened until dispute_resolved, promise_made or case_ended. */
export async function disputeWindows(sql: Sql, period: ReplayPeriod): Promise<DisputeWindow[]> {
  const events = await sql<{ workflow_id: string; invoice_id: string; type: string; occurred_at: Date }[]>`
    select workflow_id, invoice_id, type, occurred_at from case_events
    where type in ('dispute_opened', 'dispute_resolved', 'promise_made', 'case_ended') and invoice_id in (${scopedInvoiceIds(sql, period)})
    order by workflow_id, occurred_at, id`;

  const windows: DisputeWindow[] = [];
  const open = new Map<string, DisputeWindow>();
  for (const event of events) {
    const current = open.get(event.workflow_id);
    if (event.type === 'dispute_opened') {
      if (current) continue;
      const window: DisputeWindow = { workflowId: event.workflow_id, invoiceId: event.invoice_id, openedAt: event.occurred_at, closedAt: null, closedBy: null };
      open.set(event.workflow_id, window);
      windows.push(window);
    } else if (current) {
      current.closedAt = event.occurred_at;
      current.closedBy = event.type as DisputeWindow['closedBy'];
      open.delete(event.workflow_id);
    }
  }
  return windows;
}

/** Lists the reminders sent while a dispute on the invoice they carried was open. */
export async function remindersDuringDispute(sql: Sql, period: ReplayPeriod, windows: DisputeWindow[]): Promise<MisplacedReminder[]> {
  const byInvoice = new Map<string, DisputeWindow[]>();
  for (const window of windows) byInvoice.set(window.invoiceId, [...(byInvoice.get(window.invoiceId) ?? []), window]);

  const reminders = await remindersOf(sql, period);
  return reminders.flatMap((message) => {
    const window = (byInvoice.get(message.invoice_id) ?? []).find(
      (candidate) => message.sent_at >= candidate.openedAt && (candidate.closedAt === null || message.sent_at < candidate.closedAt),
    );
    return window ? [toLine(message, window.openedAt)] : [];
  });
}
