import { readCaseContext, readInvoiceBalance } from './balance.js';
import { insertCaseEvent, insertTask, insertWriteOff, markInvoiceCancelled, recordCaseEnd, upsertCaseProjection } from './case-records.js';
import type { ActivityDeps } from './deps.js';
import { sendEmailBatch, type EmailBatchInput } from './email-batch.js';
import { queueGroupedReminder, requestGroupedStep, sendGroupedReminder, type TemporalDeps } from './grouped-email.js';
import { allocateOnAccountFunds } from './on-account.js';
import { performDunningStep } from './steps.js';
import type { CaseEventInput, CaseProjection, EndCaseInput, OpenTaskInput, PerformStepInput, WriteOffActivityInput } from './types.js';

/** Builds the activities the worker registers, bound to the process's database pool, mailer and Temporal client. */
export function createActivities(deps: ActivityDeps & { temporal?: TemporalDeps }) {
  const { sql } = deps;
  return {
    loadCaseContext: (input: { invoiceId: string }) => readCaseContext(sql, input.invoiceId),
    readBalance: (input: { invoiceId: string }) => readInvoiceBalance(sql, input.invoiceId),
    recordCaseEvent: (input: CaseEventInput) => insertCaseEvent(sql, input),
    syncCase: (input: CaseProjection) => upsertCaseProjection(sql, input),
    endCase: (input: EndCaseInput) => recordCaseEnd(sql, input),
    openTask: (input: OpenTaskInput) => insertTask(sql, input),
    applyWriteOff: (input: WriteOffActivityInput) => insertWriteOff(sql, input),
    allocateOnAccount: (input: { invoiceId: string }) => allocateOnAccountFunds(sql, input.invoiceId),
    cancelInvoice: (input: { invoiceId: string; author: string }) => markInvoiceCancelled(sql, input),
    performStep: (input: PerformStepInput) => performDunningStep(deps, input),
    requestGroupedStep: (input: Parameters<typeof requestGroupedStep>[1]) => requestGroupedStep({ ...deps, temporal: temporalOf(deps) }, input),
    sendGroupedReminder: (input: Parameters<typeof sendGroupedReminder>[1]) => sendGroupedReminder(deps, input),
    queueGroupedReminder: (input: Parameters<typeof queueGroupedReminder>[1]) => queueGroupedReminder({ ...deps, temporal: temporalOf(deps) }, input),
    sendEmailBatch: (input: EmailBatchInput) => sendEmailBatch({ ...deps, temporal: temporalOf(deps) }, input),
  };
}

export type DunningActivities = ReturnType<typeof createActivities>;

function temporalOf(deps: { temporal?: TemporalDeps }): TemporalDeps {
  if (!deps.temporal) throw new Error('grouped and batched reminders need a Temporal client in the activities: pass `temporal` to createActivities');
  return deps.temporal;
}
