import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TemporalHandle } from '../../api/temporal.js';
import type { Sql } from '../../db/client.js';
import type { CaseState, DisputeReason } from '../../domain/case.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import type { AccountInvoice } from './account.js';
import type { InvoiceResult } from './views/notices.js';

// The customer's answers from the portal, applied to each invoice's dunning case and
// recorded in case_events with source 'portal'. Every step is keyed by the form id, so
// a form sent again after a failure repeats nothing: Temporal deduplicates the update
// by its id, and events and tasks by their idempotency key.

export interface AnswerDeps {
  sql: Sql;
  temporal: TemporalHandle;
}

export interface InvoiceAnswerResult {
  invoiceId: string;
  number: string;
  result: InvoiceResult;
  status: string;
}

const PORTAL_AUTHOR = 'customer (portal)';

async function recordPortalEvent(sql: Sql, invoiceId: string, type: string, data: Record<string, unknown>, idempotencyKey: string): Promise<void> {
  await sql`
    insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
    values (${dunningCaseWorkflowId(invoiceId)}, ${invoiceId}, ${type}, 'portal', now(), ${sql.json(data as never)}, ${idempotencyKey})
    on conflict (idempotency_key) do nothing`;
}

async function endedStatus(sql: Sql, invoiceId: string): Promise<string | null> {
  const [row] = await sql<{ terminal_state: string | null; status: string }[]>`select terminal_state, status from cases where invoice_id = ${invoiceId}`;
  if (!row) return null;
  return row.terminal_state ?? (['paid', 'settled_by_credit_note', 'written_off', 'handed_over', 'cancelled'].includes(row.status) ? row.status : null);
}

/**
 * Sends an update to the invoice's case. A case that has ended gives 'ended' with its
 * terminal state, an input the case rejects gives 'rejected', and an invoice without a
 * case gives 'no_case'.
 */
async function updateCase(deps: AnswerDeps, invoice: AccountInvoice, name: 'promiseToPay' | 'openDispute', input: unknown, updateId: string): Promise<Omit<InvoiceAnswerResult, 'invoiceId' | 'number'>> {
  const [row] = await deps.sql<{ workflow_id: string }[]>`select workflow_id from cases where invoice_id = ${invoice.id}`;
  if (!row) return { result: 'no_case', status: invoice.caseStatus };
  const ended = await endedStatus(deps.sql, invoice.id);
  if (ended) return { result: 'ended', status: ended };

  try {
    const state = await deps.temporal.client.workflow.getHandle(row.workflow_id).executeUpdate<CaseState, [unknown]>(name, { args: [input], updateId });
    return { result: 'applied', status: state.status };
  } catch (error) {
    const finished = error instanceof WorkflowNotFoundError || /completed|not found/i.test((error as Error).message ?? '');
    if (finished) return { result: 'ended', status: (await endedStatus(deps.sql, invoice.id)) ?? invoice.caseStatus };
    if (error instanceof WorkflowUpdateFailedError) {
      // A case that ended while the update waited rejects it; show its state rather than an error.
      const endedMeanwhile = await endedStatus(deps.sql, invoice.id);
      return endedMeanwhile ? { result: 'ended', status: endedMeanwhile } : { result: 'rejected', status: invoice.caseStatus };
    }
    throw error;
  }
}

/** Applies a promise to pay to each chosen invoice's case. */
export async function applyPromise(
  deps: AnswerDeps,
  formId: string,
  promisedDate: string,
  lines: { invoice: AccountInvoice; amountMinor: number }[],
): Promise<InvoiceAnswerResult[]> {
  const results: InvoiceAnswerResult[] = [];
  for (const { invoice, amountMinor } of lines) {
    const input = { promisedDate, amountMinor, source: 'portal', author: PORTAL_AUTHOR };
    const outcome = await updateCase(deps, invoice, 'promiseToPay', input, `portal-promise-${formId}-${invoice.id}`);
    if (outcome.result !== 'rejected') {
      await recordPortalEvent(deps.sql, invoice.id, 'promise_made', { promisedDate, amountMinor, currency: invoice.currency, outcome: outcome.result }, `portal/${formId}/${invoice.id}`);
    }
    results.push({ invoiceId: invoice.id, number: invoice.number, ...outcome });
  }
  return results;
}

/** Opens a dispute on the invoice's case; attachments are already stored. */
export async function applyDispute(
  deps: AnswerDeps,
  formId: string,
  invoice: AccountInvoice,
  dispute: { reason: DisputeReason; comment?: string; attachmentIds: string[] },
): Promise<InvoiceAnswerResult> {
  const input = { reason: dispute.reason, comment: dispute.comment, source: 'portal', author: PORTAL_AUTHOR };
  const outcome = await updateCase(deps, invoice, 'openDispute', input, `portal-dispute-${formId}-${invoice.id}`);
  if (outcome.result !== 'rejected') {
    await recordPortalEvent(
      deps.sql,
      invoice.id,
      'dispute_opened',
      { reason: dispute.reason, comment: dispute.comment ?? null, attachmentIds: dispute.attachmentIds, outcome: outcome.result },
      `portal/${formId}/${invoice.id}`,
    );
  }
  return { invoiceId: invoice.id, number: invoice.number, ...outcome };
}

/**
 * Records a payment the customer says they made and opens a check_payment task for a
 * person: the case goes on until the payment shows in the ledger.
 */
export async function reportPayment(
  deps: AnswerDeps,
  formId: string,
  invoice: AccountInvoice,
  payment: { paidOn: string; amountMinor: number; attachmentIds: string[] },
): Promise<InvoiceAnswerResult> {
  const data = { paidOn: payment.paidOn, amountMinor: payment.amountMinor, currency: invoice.currency, attachmentIds: payment.attachmentIds };
  const [customer] = await deps.sql<{ customer_id: string }[]>`select customer_id from invoices where id = ${invoice.id}`;
  if (!customer) throw new Error(`invoice ${invoice.id} vanished while a payment was reported on it`);
  const [caseRow] = await deps.sql<{ workflow_id: string }[]>`select workflow_id from cases where invoice_id = ${invoice.id}`;

  await deps.sql`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, due_at, data)
    values (${`portal/${formId}/check-payment`}, 'check_payment', ${caseRow?.workflow_id ?? null}, ${invoice.id}, ${customer.customer_id}, now(),
            ${deps.sql.json({ ...data, source: 'portal' } as never)})
    on conflict (idempotency_key) do nothing`;
  await recordPortalEvent(deps.sql, invoice.id, 'payment_reported', data, `portal/${formId}/${invoice.id}`);
  const ended = await endedStatus(deps.sql, invoice.id);
  return { invoiceId: invoice.id, number: invoice.number, result: ended ? 'ended' : 'recorded', status: ended ?? invoice.caseStatus };
}
