import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { customerMailboxWorkflowId } from '../domain/ids.js';
import type { CaseState } from '../domain/case.js';
import type { Tone } from '../domain/scenario.js';
import type { QueuedMessage } from '../workflows/email-dispatch.js';
import type { GroupedStepRequest, StepDelivery } from '../workflows/messages.js';
import { readInvoiceBalance } from './balance.js';
import { claimLatePaymentAmounts } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { handOverToDispatcher, queueReminder, statusOf } from './email-queue.js';
import { deliverReminder, type ReminderDelivery, type ReminderLine } from './reminder-delivery.js';

export interface TemporalDeps {
  /** Returns the client, connecting on first use, so that a worker that never groups e-mails opens no extra connection. */
  client: () => Promise<Client>;
  taskQueue: string;
  /** Task queue of the send slots' dispatchers; the cases' queue when unset. */
  dispatchTaskQueue?: string;
}

/** Hands an e-mail step to the customer's mailbox for its send slot, starting the mailbox if needed. */
export async function requestGroupedStep(
  deps: ActivityDeps & { temporal: TemporalDeps },
  input: { customerId: string; scheduledAt: string; request: GroupedStepRequest },
): Promise<{ mailboxWorkflowId: string }> {
  const mailboxWorkflowId = customerMailboxWorkflowId(input.customerId, input.scheduledAt);
  const client = await deps.temporal.client();
  await client.workflow.signalWithStart('customerMailbox', {
    workflowId: mailboxWorkflowId,
    taskQueue: deps.temporal.taskQueue,
    args: [{ customerId: input.customerId }],
    signal: 'requestGroupedStep',
    signalArgs: [input.request],
    // A request after the mailbox sent its e-mail starts a new run; steps it already carried are not sent again.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return { mailboxWorkflowId };
}

/** Whether a case took a promise, a dispute or a pause after it handed over its step: such a step must not go out. */
async function isHeld(temporal: TemporalDeps, workflowId: string): Promise<boolean> {
  const client = await temporal.client();
  const state = await client.workflow.getHandle(workflowId).query<CaseState>('caseState');
  return state.promise !== null || state.dispute !== null || state.paused;
}

const TONE_ORDER: Tone[] = ['courtesy', 'friendly', 'firm', 'final', 'formal_notice'];

type GroupedInput = { mailboxWorkflowId: string; customerId: string; actedAt: string; requests: GroupedStepRequest[] };
type CaseDelivery = StepDelivery & { workflowId: string };

/**
 * Sorts the steps a mailbox collected. A step that a message already carried comes back
 * with that message, and a held step as withheld. The balance of record is read again,
 * and an invoice at or under its tolerance comes back as below tolerance. The other steps
 * become the lines of one reminder, whose tone the oldest invoice sets.
 */
async function settleRequests(deps: ActivityDeps & { temporal?: TemporalDeps }, input: GroupedInput) {
  const settled: CaseDelivery[] = [];
  const carried: (CaseDelivery & { status: string })[] = [];
  const lines: ReminderLine[] = [];
  const requests = [...input.requests].sort((left, right) => left.dueDate.localeCompare(right.dueDate) || left.invoiceId.localeCompare(right.invoiceId));

  for (const request of requests) {
    const [message] = await deps.sql<{ message_id: string; status: string }[]>`
      select mi.message_id, m.status from message_invoices mi join messages m on m.id = mi.message_id
      where mi.invoice_id = ${request.invoiceId} and mi.step_key = ${request.stepKey}`;
    if (message) {
      carried.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'sent', messageId: message.message_id, status: message.status });
      continue;
    }
    if (deps.temporal && (await isHeld(deps.temporal, request.workflowId))) {
      settled.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'withheld' });
      continue;
    }
    const balance = await readInvoiceBalance(deps.sql, request.invoiceId);
    if (balance.dueMinor <= request.residualToleranceMinor) {
      settled.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'below_tolerance' });
      continue;
    }
    const claims = request.claimsPenalties
      ? await claimLatePaymentAmounts(deps.sql, { invoiceId: request.invoiceId, stepKey: request.stepKey, actedAt: input.actedAt, rateTable: deps.rateTable })
      : [];
    lines.push({ workflowId: request.workflowId, invoiceId: request.invoiceId, stepKey: request.stepKey, balance, claims });
  }

  const carriedSteps = lines.map((line) => `${line.invoiceId}:${line.stepKey}`).sort().join(',');
  const oldest = requests.find((request) => request.invoiceId === lines[0]?.invoiceId);
  const tone = oldest?.tone ?? requests.map((request) => request.tone).sort((left, right) => TONE_ORDER.indexOf(right) - TONE_ORDER.indexOf(left))[0] ?? 'friendly';
  const delivery: ReminderDelivery | null =
    lines.length === 0
      ? null
      : {
          customerId: input.customerId,
          idempotencyKey: `${input.mailboxWorkflowId}/${createHash('sha256').update(carriedSteps).digest('hex').slice(0, 16)}`,
          tone,
          actedAt: input.actedAt,
          lines,
        };
  return { settled, carried, delivery };
}

/**
 * Sends one reminder for the steps a mailbox collected, in a request of its own. A step
 * that a message already carried returns that message. Mailboxes started before batch
 * dispatch existed finish through this activity.
 */
export async function sendGroupedReminder(deps: ActivityDeps & { temporal?: TemporalDeps }, input: GroupedInput): Promise<CaseDelivery[]> {
  const { settled, carried, delivery } = await settleRequests(deps, input);
  const results: CaseDelivery[] = [...carried.map(({ status: _status, ...step }) => step), ...settled];
  if (!delivery) return results;

  const sent = await deliverReminder(deps, delivery);
  for (const line of delivery.lines) {
    results.push({ workflowId: line.workflowId, stepKey: line.stepKey, outcome: sent.outcome, messageId: sent.messageId });
  }
  return results;
}

/**
 * Queues one reminder for the steps a mailbox collected and hands it to the send slot's
 * dispatcher, which sends it in a batch and signals the mailbox with the outcome. Returns
 * the steps settled now, and the queued messages whose outcome the mailbox waits for: the
 * new one, and any earlier queued message that already carries one of the steps.
 */
export async function queueGroupedReminder(
  deps: ActivityDeps & { temporal: TemporalDeps },
  input: GroupedInput,
): Promise<{ deliveries: CaseDelivery[]; queued: QueuedMessage[] }> {
  const { settled, carried, delivery } = await settleRequests(deps, input);
  const deliveries: CaseDelivery[] = [...settled];
  const waiting = new Map<string, QueuedMessage>();
  const wait = (messageId: string, steps: { workflowId: string; stepKey: string }[]) => {
    const entry = waiting.get(messageId) ?? { messageId, steps: [] };
    entry.steps.push(...steps);
    waiting.set(messageId, entry);
  };

  for (const { status: stored, ...step } of carried) {
    const status = statusOf(stored);
    if (status === 'queued') wait(step.messageId as string, [{ workflowId: step.workflowId, stepKey: step.stepKey }]);
    else deliveries.push({ ...step, outcome: status });
  }

  // NOTE: promises, disputes and pauses are checked when the reminder is queued, so a promise taken in the seconds before its batch leaves does not stop it.
  if (delivery) {
    const queued = await queueReminder(deps, delivery);
    const steps = delivery.lines.map((line) => ({ workflowId: line.workflowId, stepKey: line.stepKey }));
    const { status, messageId } = queued;
    if (status === 'queued') wait(messageId, steps);
    else deliveries.push(...steps.map((step) => ({ ...step, outcome: status, messageId })));
  }

  for (const messageId of waiting.keys()) {
    await handOverToDispatcher(deps.temporal, { messageId, mailboxWorkflowId: input.mailboxWorkflowId, handedOverAt: input.actedAt });
  }
  return { deliveries, queued: [...waiting.values()] };
}
