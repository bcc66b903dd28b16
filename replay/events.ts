import { invoiceInputSchema, paymentInputSchema } from '../api/schemas.js';
import { startCaseForInvoice } from '../api/services/cases.js';
import { findCustomerByRef, insertInvoice, notifyBalanceChanged, recordPayment, type ServiceLogger } from '../api/services/ledger.js';
import type { TemporalHandle } from '../api/temporal.js';
import type { Sql } from '../db/client.js';
import { findLinkCustomer } from '../web/portal/access.js';
import { readAccount } from '../web/portal/account.js';
import { applyDispute } from '../web/portal/answers.js';
import type { ReplayEvent } from './timeline.js';

// Applies the events of the timeline through the product's own services, so the workflows
// receive the same calls as in production. Those are the API's case start, the ledger's
// payment and credit-note writes that signal the case, and the portal's dispute form.

export interface EventDeps {
  sql: Sql;
  temporal: TemporalHandle;
  logger: ServiceLogger;
  /** Invoice ids by customer reference and number, as seedLedger returns them. */
  invoiceIds: Map<string, string>;
}

/** Outcome of an applied event, counted in the replay's result. */
export type EventOutcome = 'case_started' | 'payment_recorded' | 'credit_note_recorded' | 'dispute_opened' | 'dispute_on_ended_case' | 'dispute_rejected';

/** Reason given on replayed disputes: the histories record that an invoice was disputed, not why. */
const DISPUTE_COMMENT = 'Disputed in the imported history; the reason is not recorded.';

function invoiceIdOf(deps: EventDeps, customerRef: string, invoiceNumber: string): string {
  const id = deps.invoiceIds.get(`${customerRef}\u0000${invoiceNumber}`);
  if (!id) throw new Error(`invoice ${invoiceNumber} of customer ${customerRef} is not in the replay database: was it rejected at import?`);
  return id;
}

/**
 * Opens a dispute as the portal's dispute form does, then dates the portal's event at the
 * replay's instant: the portal stamps it with the database clock, which a replay does not move.
 */
async function openDispute(deps: EventDeps, event: Extract<ReplayEvent, { kind: 'dispute' }>): Promise<EventOutcome> {
  const invoiceId = invoiceIdOf(deps, event.customerRef, event.invoiceNumber);
  const [row] = await deps.sql<{ customer_id: string }[]>`select customer_id from invoices where id = ${invoiceId}`;
  const customer = row ? await findLinkCustomer(deps.sql, row.customer_id) : null;
  if (!customer) throw new Error(`customer ${event.customerRef} of invoice ${event.invoiceNumber} is missing from the replay database`);

  const account = await readAccount(deps.sql, customer, new Date(event.at));
  const invoice = [...account.open, ...account.closed].find((candidate) => candidate.id === invoiceId);
  if (!invoice) throw new Error(`invoice ${event.invoiceNumber} is missing from the portal account of customer ${event.customerRef}`);

  const formId = `replay-${invoiceId}`;
  const result = await applyDispute({ sql: deps.sql, temporal: deps.temporal }, formId, invoice, { reason: 'other', comment: DISPUTE_COMMENT, attachmentIds: [] });
  await deps.sql`update case_events set occurred_at = ${event.at} where idempotency_key = ${`portal/${formId}/${invoiceId}`}`;

  if (result.result === 'applied') return 'dispute_opened';
  return result.result === 'rejected' ? 'dispute_rejected' : 'dispute_on_ended_case';
}

export async function applyEvent(deps: EventDeps, event: ReplayEvent): Promise<EventOutcome> {
  switch (event.kind) {
    case 'case_start': {
      await startCaseForInvoice(deps.sql, deps.temporal, invoiceIdOf(deps, event.customerRef, event.invoiceNumber));
      return 'case_started';
    }

    case 'payment': {
      const input = paymentInputSchema.parse({
        customerRef: event.customerRef,
        reference: event.reference,
        amountMinor: event.amountMinor,
        currency: event.currency,
        receivedOn: event.receivedOn,
        invoiceNumber: event.invoiceNumber,
      });
      await recordPayment(deps.sql, deps.temporal, deps.logger, input);
      return 'payment_recorded';
    }

    case 'credit_note': {
      const { note } = event;
      const customer = await findCustomerByRef(deps.sql, note.customerRef);
      const input = invoiceInputSchema.parse({
        customerRef: note.customerRef,
        kind: 'credit_note',
        number: note.number,
        currency: note.currency,
        totalMinor: note.totalMinor,
        issueDate: note.issueDate,
        dueDate: note.issueDate,
        precedingInvoiceNumber: note.precedingInvoiceNumber,
        startCase: false,
      });
      await insertInvoice(deps.sql, customer, input);
      const precedingId = note.precedingInvoiceNumber === undefined ? undefined : deps.invoiceIds.get(`${note.customerRef}\u0000${note.precedingInvoiceNumber}`);
      if (precedingId) await notifyBalanceChanged(deps.temporal, deps.logger, precedingId, { kind: 'credit_note', reference: note.number });
      return 'credit_note_recorded';
    }

    case 'dispute':
      return openDispute(deps, event);
  }
}
