import { addDays, daysBetween, zonedTimeToInstant, type CalendarDate } from '../domain/dates.js';
import type { ImportedInvoice } from '../imports/records.js';
import type { ReplayHistory } from './history.js';

// Turns a receivables history into dated events for the replay to apply in order. Pure:
// the same history always gives the same timeline.

/** When a case starts: on its invoice's issue date, as POST /v1/invoices does by default, or on its due date. */
export type CaseStartDate = 'issue_date' | 'due_date';

export type ReplayEvent =
  | { kind: 'case_start'; at: string; customerRef: string; invoiceNumber: string }
  | { kind: 'credit_note'; at: string; note: ImportedInvoice }
  | { kind: 'payment'; at: string; customerRef: string; reference: string; amountMinor: number; currency: string; receivedOn: CalendarDate; invoiceNumber?: string }
  | { kind: 'dispute'; at: string; customerRef: string; invoiceNumber: string };

export interface ReplayTimeline {
  /** First day of the history, and the instant the replay's clock starts at (its 00:00 in the time zone). */
  startDate: CalendarDate;
  startAt: string;
  /** Day after the last day of the history; the replay stops at its 00:00. */
  endDate: CalendarDate;
  endAt: string;
  timeZone: string;
  /** Events sorted by instant; at one instant, case starts come first, then credit notes, payments and disputes. */
  events: ReplayEvent[];
  /** Disputed invoices settled less than two days after their due date, whose dispute cannot fall between the two. */
  disputesNotReplayed: string[];
}

export interface TimelineOptions {
  timeZone: string;
  caseStart: CaseStartDate;
}

/** Payments land at the start of their day, so no reminder of that day goes out after them. */
const PAYMENT_TIME = '00:00';
/** A customer replies during the day, after that day's reminders (the send window opens at 09:00 by default). */
const DISPUTE_TIME = '12:00';

const ORDER: Record<ReplayEvent['kind'], number> = { case_start: 0, credit_note: 1, payment: 2, dispute: 3 };

const keyOf = (customerRef: string, number: string) => `${customerRef}\u0000${number}`;

function eventLabel(event: ReplayEvent): string {
  switch (event.kind) {
    case 'credit_note':
      return event.note.number;
    case 'payment':
      return event.reference;
    default:
      return event.invoiceNumber;
  }
}

/** Splits the file's payments into one payment per invoice they settle, plus the cash left on account. */
function paymentEvents(history: ReplayHistory, at: (date: CalendarDate, time: string) => string): Array<Extract<ReplayEvent, { kind: 'payment' }>> {
  const events: Array<Extract<ReplayEvent, { kind: 'payment' }>> = [];
  for (const payment of history.payments) {
    const base = { kind: 'payment' as const, at: at(payment.receivedOn, PAYMENT_TIME), customerRef: payment.customerRef, currency: payment.currency, receivedOn: payment.receivedOn };
    const single = payment.allocations.length === 1 && payment.allocations[0]!.amountMinor === payment.amountMinor;
    if (single) {
      events.push({ ...base, reference: payment.reference, amountMinor: payment.amountMinor, invoiceNumber: payment.allocations[0]!.invoiceNumber });
      continue;
    }
    for (const allocation of payment.allocations) {
      events.push({ ...base, reference: `${payment.reference}/${allocation.invoiceNumber}`, amountMinor: allocation.amountMinor, invoiceNumber: allocation.invoiceNumber });
    }
    const onAccount = payment.amountMinor - payment.allocations.reduce((sum, allocation) => sum + allocation.amountMinor, 0);
    if (onAccount > 0) events.push({ ...base, reference: `${payment.reference}/on-account`, amountMinor: onAccount });
  }
  return events;
}

/**
 * Returns the day a disputed invoice's dispute opens: midway between its due date and its
 * settlement (or the end of the history when it was never settled), rounded down. The
 * history records that an invoice was disputed, not when, and a dispute that held up the
 * payment falls between those two days. Returns undefined when they are less than two
 * days apart, since the dispute could not fall strictly between them.
 */
export function disputeDate(dueDate: CalendarDate, settledOn: CalendarDate | undefined, endDate: CalendarDate): CalendarDate | undefined {
  const until = settledOn ?? endDate;
  const days = daysBetween(dueDate, until);
  if (days < 2) return undefined;
  return addDays(dueDate, Math.floor(days / 2));
}

/** Builds the dated events of a history: case starts, credit notes, payments and disputes. */
export function buildTimeline(history: ReplayHistory, options: TimelineOptions): ReplayTimeline {
  const { timeZone } = options;
  const at = (date: CalendarDate, time: string) => zonedTimeToInstant(date, time, timeZone).toISOString();

  const payments = paymentEvents(history, at);
  const paidByFile = new Map<string, number>();
  for (const payment of payments) {
    if (payment.invoiceNumber === undefined) continue;
    const key = keyOf(payment.customerRef, payment.invoiceNumber);
    paidByFile.set(key, (paidByFile.get(key) ?? 0) + payment.amountMinor);
  }
  const creditedByFile = new Map<string, number>();
  for (const note of history.creditNotes) {
    if (note.precedingInvoiceNumber === undefined) continue;
    const key = keyOf(note.customerRef, note.precedingInvoiceNumber);
    creditedByFile.set(key, (creditedByFile.get(key) ?? 0) + note.totalMinor);
  }

  // The part of an invoice the file reports settled but no payment or credit note of the
  // file covers (the accounts-receivable layout has no payment rows) is paid on its settled
  // date, under the reference the importer gives it.
  const settlements = new Map<string, CalendarDate>();
  for (const invoice of history.invoices) {
    const key = keyOf(invoice.customerRef, invoice.number);
    const settled = invoice.totalMinor - invoice.amountDueMinor - (paidByFile.get(key) ?? 0) - (creditedByFile.get(key) ?? 0);
    if (settled <= 0) continue;
    const receivedOn = invoice.settledDate ?? invoice.issueDate;
    settlements.set(key, receivedOn);
    payments.push({ kind: 'payment', at: at(receivedOn, PAYMENT_TIME), customerRef: invoice.customerRef, reference: `settled:${invoice.number}`, amountMinor: settled, currency: invoice.currency, receivedOn, invoiceNumber: invoice.number });
  }

  const dates = [
    ...history.invoices.map((invoice) => invoice.issueDate),
    ...history.creditNotes.map((note) => note.issueDate),
    ...payments.map((payment) => payment.receivedOn),
  ].sort();
  const startDate = dates[0];
  const lastDate = dates.at(-1);
  if (startDate === undefined || lastDate === undefined) throw new Error('the history has no invoice to replay: check that the files contain invoices on customer accounts');
  const endDate = addDays(lastDate, 1);

  const events: ReplayEvent[] = [...payments];
  const disputesNotReplayed: string[] = [];
  for (const invoice of history.invoices) {
    const dueDate = invoice.dueDate ?? invoice.issueDate;
    if (invoice.totalMinor > 0) {
      const startOn = options.caseStart === 'issue_date' ? invoice.issueDate : dueDate;
      events.push({ kind: 'case_start', at: at(startOn, PAYMENT_TIME), customerRef: invoice.customerRef, invoiceNumber: invoice.number });
    }
    if (!invoice.disputed) continue;

    const key = keyOf(invoice.customerRef, invoice.number);
    const settledOn = invoice.amountDueMinor === 0 ? (settlements.get(key) ?? invoice.settledDate) : undefined;
    const opensOn = disputeDate(dueDate, settledOn, endDate);
    if (opensOn === undefined) disputesNotReplayed.push(invoice.number);
    else events.push({ kind: 'dispute', at: at(opensOn, DISPUTE_TIME), customerRef: invoice.customerRef, invoiceNumber: invoice.number });
  }
  for (const note of history.creditNotes) events.push({ kind: 'credit_note', at: at(note.issueDate, PAYMENT_TIME), note });

  events.sort((left, right) => left.at.localeCompare(right.at) || ORDER[left.kind] - ORDER[right.kind] || eventLabel(left).localeCompare(eventLabel(right)));
  return { startDate, startAt: at(startDate, PAYMENT_TIME), endDate, endAt: at(endDate, PAYMENT_TIME), timeZone, events, disputesNotReplayed };
}
