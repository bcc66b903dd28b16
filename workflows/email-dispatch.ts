import { condition, continueAsNew, defineSignal, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DunningActivities } from '../activities/index.js';

/** A queued reminder e-mail that a customer's mailbox hands to its send slot's dispatcher. */
export interface EmailHandoff {
  messageId: string;
  /** The mailbox to signal with the message's outcome. */
  mailboxWorkflowId: string;
}

/** A queued message whose outcome a mailbox waits for, with the case steps it carries. */
export interface QueuedMessage {
  messageId: string;
  steps: { workflowId: string; stepKey: string }[];
}

/** Outcome of a dispatched message. */
export interface EmailDispatchOutcome {
  messageId: string;
  outcome: 'sent' | 'not_deliverable';
  /** Reason the message is not deliverable, from the provider's response. */
  detail?: string;
}

export const dispatchEmailSignal = defineSignal<[EmailHandoff]>('dispatchEmail');
export const emailDispatchedSignal = defineSignal<[EmailDispatchOutcome]>('emailDispatched');

export interface EmailDispatchInput {
  /** Handoffs not yet sent when the previous run continued as new. */
  pending?: EmailHandoff[];
}

/** Maximum e-mails in one POST /emails/batch, as Resend documents it. */
export const BATCH_SIZE = 100;

/**
 * A batch leaves once it contains BATCH_SIZE messages, or once no message arrived for
 * QUIET_PERIOD, or at the latest MAX_COLLECTION_MS after its first message. Mailboxes of one
 * slot hand over within seconds of each other, so a burst fills whole batches.
 */
export const QUIET_PERIOD = '3 seconds';
const MAX_COLLECTION_MS = 30_000;

/** Batches sent at once: enough to keep the rate limiter busy while the next batch is recorded. */
const MAX_BATCHES_IN_FLIGHT = 4;

/** Above this many history events the dispatcher continues as new, well below Temporal's limits. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;

// The batch activity retries until the provider accepts the request. Its batch key is fixed when the
// batch is formed, so a retry posts the same payload under the same key and sends nothing twice.
const mail = proxyActivities<DunningActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2, nonRetryableErrorTypes: ['InvalidStepInput'] },
});

/**
 * Sends the queued reminder e-mails of one send slot through the provider's batch endpoint,
 * up to BATCH_SIZE a request. Mailboxes start it with signal-with-start; the batch activity
 * signals each mailbox with its message's outcome.
 */
export async function emailDispatch(input: EmailDispatchInput): Promise<{ batches: number; messages: number }> {
  const { workflowId, runId } = workflowInfo();
  const queue: EmailHandoff[] = [...(input.pending ?? [])];
  const known = new Set(queue.map((handoff) => handoff.messageId));
  setHandler(dispatchEmailSignal, (handoff) => {
    if (known.has(handoff.messageId)) return;
    known.add(handoff.messageId);
    queue.push(handoff);
  });

  let batches = 0;
  let messages = 0;
  let inFlight = 0;
  let failure: unknown = null;

  for (;;) {
    // A dispatcher that stays empty for a quiet period, with no batch in flight, is done.
    const arrived = queue.length > 0 || (await condition(() => queue.length > 0 || failure !== null, QUIET_PERIOD));
    if (failure !== null) throw failure;
    if (!arrived && queue.length === 0) {
      if (inFlight === 0) break;
      await condition(() => queue.length > 0 || inFlight === 0 || failure !== null);
      continue;
    }

    await gatherBatch(queue);
    await condition(() => inFlight < MAX_BATCHES_IN_FLIGHT || failure !== null);
    if (failure !== null) throw failure;

    // The run id keeps batch keys unique when a later run of this workflow id starts over at batch 0.
    const batchKey = `${workflowId}/${runId}/${batches}`;
    const handoffs = queue.splice(0, BATCH_SIZE);
    batches += 1;
    messages += handoffs.length;
    inFlight += 1;
    mail
      .sendEmailBatch({ batchKey, actedAt: new Date(Date.now()).toISOString(), handoffs })
      .catch((error: unknown) => {
        // Only a non-retryable failure ends here: invalid input that a retry cannot fix.
        log.error('E-mail batch failed', { workflowId, batchKey, error: String(error) });
        failure = error;
      })
      .finally(() => {
        inFlight -= 1;
      });

    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
      await condition(() => inFlight === 0);
      if (failure !== null) throw failure;
      await continueAsNew<typeof emailDispatch>({ pending: queue.splice(0) });
    }
  }

  log.info('E-mail dispatch done', { workflowId, batches, messages });
  return { batches, messages };
}

/** Waits while messages keep arriving, until a batch is full, the slot goes quiet or the collection time is over. */
async function gatherBatch(queue: EmailHandoff[]): Promise<void> {
  const openedAt = Date.now();
  let seen = queue.length;
  while (queue.length < BATCH_SIZE && Date.now() - openedAt < MAX_COLLECTION_MS) {
    const full = await condition(() => queue.length >= BATCH_SIZE, QUIET_PERIOD);
    if (full || queue.length === seen) return;
    seen = queue.length;
  }
}
