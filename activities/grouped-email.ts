import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { customerMailboxWorkflowId } from '../domain/ids.js';
import type { CaseState } from '../domain/case.js';
import type { Tone } from '../domain/scenario.js';
import type { GroupedStepRequest, StepDelivery } from '../workflows/messages.js';
import { readInvoiceBalance } from './balance.js';
import { claimLatePaymentAmounts } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { deliverReminder, type ReminderLine } from './reminder-delivery.js';

export interface TemporalDeps {
  /** Returns the client, connecting on first use, so that a worker that never groups e-mails opens no extra connection. */
  client: () => Promise<Client>;
  taskQueue: string;
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

/**
 * Sends one reminder for the steps a mailbox collected. Each invoice's balance is read
 * again first, and an invoice at or under its tolerance is left out. A step that a
 * message already carried returns that message. The oldest invoice sets the tone.
 */
export async function sendGroupedReminder(
  deps: ActivityDeps & { temporal?: TemporalDeps },
  input: { mailboxWorkflowId: string; customerId: string; actedAt: string; requests: GroupedStepRequest[] },
): Promise<(StepDelivery & { workflowId: string })[]> {
  const results: (StepDelivery & { workflowId: string })[] = [];
  const lines: ReminderLine[] = [];
  const requests = [...input.requests].sort((left, right) => left.dueDate.localeCompare(right.dueDate) || left.invoiceId.localeCompare(right.invoiceId));

  for (const request of requests) {
    const [carried] = await deps.sql<{ message_id: string }[]>`
      select message_id from message_invoices where invoice_id = ${request.invoiceId} and step_key = ${request.stepKey}`;
    if (carried) {
      results.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'sent', messageId: carried.message_id });
      continue;
    }
    if (deps.temporal && (await isHeld(deps.temporal, request.workflowId))) {
      results.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'withheld' });
      continue;
    }
    const balance = await readInvoiceBalance(deps.sql, request.invoiceId);
    if (balance.dueMinor <= request.residualToleranceMinor) {
      results.push({ workflowId: request.workflowId, stepKey: request.stepKey, outcome: 'below_tolerance' });
      continue;
    }
    const claims = request.claimsPenalties
      ? await claimLatePaymentAmounts(deps.sql, { invoiceId: request.invoiceId, stepKey: request.stepKey, actedAt: input.actedAt, rateTable: deps.rateTable })
      : [];
    lines.push({ workflowId: request.workflowId, invoiceId: request.invoiceId, stepKey: request.stepKey, balance, claims });
  }
  if (lines.length === 0) return results;

  const carriedSteps = lines.map((line) => `${line.invoiceId}:${line.stepKey}`).sort().join(',');
  const oldest = requests.find((request) => request.invoiceId === lines[0]?.invoiceId);
  const tone = oldest?.tone ?? requests.map((request) => request.tone).sort((left, right) => TONE_ORDER.indexOf(right) - TONE_ORDER.indexOf(left))[0] ?? 'friendly';
  const delivery = await deliverReminder(deps, {
    customerId: input.customerId,
    idempotencyKey: `${input.mailboxWorkflowId}/${createHash('sha256').update(carriedSteps).digest('hex').slice(0, 16)}`,
    tone,
    actedAt: input.actedAt,
    lines,
  });
  for (const line of lines) {
    results.push({ workflowId: line.workflowId, stepKey: line.stepKey, outcome: delivery.outcome, messageId: delivery.messageId });
  }
  return results;
}
