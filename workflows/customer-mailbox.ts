import { condition, getExternalWorkflowHandle, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DunningActivities } from '../activities/index.js';
import { requestGroupedStepSignal, stepDeliveredSignal, type GroupedStepRequest } from './messages.js';

// The delivery retries until the provider accepts the message. Its key comes from the
// mailbox and the invoices it carries, so a retry never sends a second e-mail.
const mail = proxyActivities<DunningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2, nonRetryableErrorTypes: ['InvalidStepInput'] },
});

/**
 * How long the mailbox collects requests after the first one. Cases whose steps fall in
 * the same slot wake at the same instant, so a few seconds gather them all.
 */
export const COLLECTION_WINDOW = '10 seconds';

export interface CustomerMailboxInput {
  customerId: string;
}

/**
 * Collects the e-mail steps of one customer's cases due in one send slot, sends them as
 * one reminder listing every invoice, and signals each case with the message that
 * carried its step. The cases start it with signal-with-start.
 */
export async function customerMailbox(input: CustomerMailboxInput): Promise<{ messages: number }> {
  const pending: GroupedStepRequest[] = [];
  setHandler(requestGroupedStepSignal, (request) => {
    if (!pending.some((queued) => queued.workflowId === request.workflowId && queued.stepKey === request.stepKey)) pending.push(request);
  });

  await sleep(COLLECTION_WINDOW);

  let messages = 0;
  // Requests that arrive while a batch is being sent go out in a further message.
  while (pending.length > 0) {
    const batch = pending.splice(0, pending.length);
    const deliveries = await mail.sendGroupedReminder({
      mailboxWorkflowId: workflowInfo().workflowId,
      customerId: input.customerId,
      actedAt: new Date(Date.now()).toISOString(),
      requests: batch,
    });
    messages += 1;

    for (const delivery of deliveries) {
      try {
        await getExternalWorkflowHandle(delivery.workflowId).signal(stepDeliveredSignal, {
          stepKey: delivery.stepKey,
          outcome: delivery.outcome,
          messageId: delivery.messageId,
        });
      } catch (error) {
        // A case that ended meanwhile needs no delivery signal.
        log.warn('Case not reachable for its delivery', { workflowId: delivery.workflowId, customerId: input.customerId, error: String(error) });
      }
    }
    await condition(() => pending.length > 0, '1 second');
  }
  return { messages };
}
