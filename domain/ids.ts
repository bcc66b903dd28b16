// One place builds every workflow id and task queue, so the API, the worker and the
// tests always agree on them.

export const DUNNING_TASK_QUEUE = 'relance-dunning';

/** Builds the workflow id of an invoice's dunning case, so a repeated start finds the running case. */
export function dunningCaseWorkflowId(invoiceId: string): string {
  return `dunning-case-${invoiceId}`;
}

/** Idempotency key of one action of a case: the same step of the same case always maps to the same key. */
export function stepActionKey(workflowId: string, stepKey: string, attempt = 0): string {
  return attempt === 0 ? `${workflowId}/step/${stepKey}` : `${workflowId}/step/${stepKey}/${attempt}`;
}

/**
 * Builds the workflow id of the mailbox that groups one customer's e-mail steps due in
 * one send slot. Slots are 15-minute periods of UTC time, so steps planned for the same
 * instant always meet.
 */
export function customerMailboxWorkflowId(customerId: string, scheduledAt: string): string {
  const instant = new Date(scheduledAt);
  instant.setUTCMinutes(instant.getUTCMinutes() - (instant.getUTCMinutes() % 15), 0, 0);
  const slot = instant.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `customer-mailbox-${customerId}-${slot}`;
}

/**
 * Builds the workflow id of the dispatcher that sends the queued reminder e-mails of one
 * send slot in batches. `handedOverAt` is the instant a mailbox hands over its message.
 * It is rounded down to the same 15-minute UTC slots as the mailboxes, so the mailboxes
 * of one slot meet in one dispatcher.
 */
export function emailDispatchWorkflowId(handedOverAt: string): string {
  const instant = new Date(handedOverAt);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`invalid hand-over instant "${handedOverAt}": expected an ISO 8601 UTC instant`);
  instant.setUTCMinutes(instant.getUTCMinutes() - (instant.getUTCMinutes() % 15), 0, 0);
  return `email-dispatch-${instant.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}
