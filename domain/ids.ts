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
