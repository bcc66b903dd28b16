import { condition, getExternalWorkflowHandle, log, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DunningActivities } from '../activities/index.js';
import { emailDispatchedSignal, type EmailDispatchOutcome } from './email-dispatch.js';
import { requestGroupedStepSignal, stepDeliveredSignal, type GroupedStepRequest, type StepDelivery } from './messages.js';

// The delivery, and the queueing that replaced it, retry until they succeed. The message's
// key comes from the mailbox and the invoices it carries, so a retry never sends a second
// e-mail nor queues a second message.
const mail = proxyActivities<DunningActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
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
 * carried its step. The cases start it with signal-with-start. The reminder is queued
 * and handed to the send slot's dispatcher (workflows/email-dispatch.ts), which sends it
 * in a batch with other customers' reminders and signals back its outcome.
 */
export async function customerMailbox(input: CustomerMailboxInput): Promise<{ messages: number }> {
  const pending: GroupedStepRequest[] = [];
  setHandler(requestGroupedStepSignal, (request) => {
    if (!pending.some((queued) => queued.workflowId === request.workflowId && queued.stepKey === request.stepKey)) pending.push(request);
  });
  const dispatched = new Map<string, EmailDispatchOutcome>();
  setHandler(emailDispatchedSignal, (outcome) => {
    dispatched.set(outcome.messageId, outcome);
  });

  await sleep(COLLECTION_WINDOW);

  // Mailboxes that started before batch dispatch existed send their reminder themselves.
  const batched = patched('email-batch-dispatch');
  let messages = 0;
  // Requests that arrive while a batch is being sent go out in a further message.
  while (pending.length > 0) {
    const batch = pending.splice(0, pending.length);
    const request = { mailboxWorkflowId: workflowInfo().workflowId, customerId: input.customerId, actedAt: new Date(Date.now()).toISOString(), requests: batch };
    const deliveries = batched ? await queueAndAwaitDispatch(request, dispatched) : await mail.sendGroupedReminder(request);
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

/**
 * Queues the reminder for the collected steps, then waits for the dispatcher's signal with
 * each queued message's outcome. Steps settled without sending (carried, withheld, below
 * tolerance, no address) come back at once.
 */
async function queueAndAwaitDispatch(
  request: Parameters<DunningActivities['queueGroupedReminder']>[0],
  dispatched: Map<string, EmailDispatchOutcome>,
): Promise<(StepDelivery & { workflowId: string })[]> {
  const { deliveries, queued } = await mail.queueGroupedReminder(request);
  for (const message of queued) {
    await condition(() => dispatched.has(message.messageId));
    const { outcome } = dispatched.get(message.messageId) as EmailDispatchOutcome;
    deliveries.push(...message.steps.map((step) => ({ ...step, outcome, messageId: message.messageId })));
  }
  return deliveries;
}
