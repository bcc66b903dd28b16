import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { emailDispatchWorkflowId } from '../domain/ids.js';
import type { EmailHandoff } from '../workflows/email-dispatch.js';
import type { ActivityDeps } from './deps.js';
import { composeReminder, NO_RECIPIENT, sizeOf } from './reminder-compose.js';
import { recordCarriedLines, recordNotDeliverable, type ReminderDelivery } from './reminder-delivery.js';

/** Status of a reminder after queueing: 'queued' waits for the dispatcher, and the other two are final. */
export interface QueuedReminder {
  status: 'queued' | 'sent' | 'not_deliverable';
  messageId: string;
}

/**
 * Renders one reminder and stores it as a queued message, with the invoices and steps it
 * carries, for the send slot's dispatcher to send in a batch. A message already stored
 * under the key is returned with its status. A customer without a usable address gets a
 * "not deliverable" record and a task, as a direct send would.
 */
export async function queueReminder(deps: ActivityDeps, delivery: ReminderDelivery): Promise<QueuedReminder> {
  const { sql, logger } = deps;

  const [existing] = await sql<{ id: string; status: string }[]>`select id, status from messages where idempotency_key = ${delivery.idempotencyKey}`;
  if (existing) return { status: statusOf(existing.status), messageId: existing.id };

  const composed = await composeReminder(deps, delivery);
  if (composed.kind === 'no_recipient') {
    const result = await recordNotDeliverable(deps, delivery, composed.language, NO_RECIPIENT);
    return { status: 'not_deliverable', messageId: result.messageId };
  }

  const { recipient, rendered, sender } = composed;
  const messageId = await sql.begin(async (transaction) => {
    const [message] = await transaction<{ id: string }[]>`
      insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, language, subject, html, text_body,
                            size_bytes, sender, recipients, sent_at)
      values (${delivery.idempotencyKey}, 'email', ${delivery.customerId}, ${recipient.contactId}, 'queued', ${deps.mailer.provider},
              ${recipient.language}, ${rendered.subject}, ${rendered.html}, ${rendered.text}, ${sizeOf(rendered)}, ${sender},
              ${transaction.array([recipient.email])}, ${delivery.actedAt})
      on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
      returning id`;
    if (!message) throw new Error(`message ${delivery.idempotencyKey} could not be queued`);
    await recordCarriedLines(transaction, message.id, delivery.lines);
    return message.id;
  });

  logger.info({ customerId: delivery.customerId, messageId, messageKey: delivery.idempotencyKey, invoices: delivery.lines.length }, 'reminder e-mail queued for its batch');
  return { status: 'queued', messageId };
}

/**
 * Hands a queued message to the dispatcher of the current send slot, starting it if
 * needed. The dispatcher ignores a message it already has, so a retry is harmless.
 */
export async function handOverToDispatcher(temporal: { client: () => Promise<Client>; taskQueue: string; dispatchTaskQueue?: string }, handoff: EmailHandoff & { handedOverAt: string }): Promise<{ dispatchWorkflowId: string }> {
  const dispatchWorkflowId = emailDispatchWorkflowId(handoff.handedOverAt);
  const client = await temporal.client();
  await client.workflow.signalWithStart('emailDispatch', {
    workflowId: dispatchWorkflowId,
    // Its own queue, so that its workflow tasks do not wait behind those of the cases it serves.
    taskQueue: temporal.dispatchTaskQueue ?? temporal.taskQueue,
    args: [{}],
    signal: 'dispatchEmail',
    signalArgs: [{ messageId: handoff.messageId, mailboxWorkflowId: handoff.mailboxWorkflowId }],
    // A message handed over after the dispatcher finished starts a new run; each run keys its batches by its run id.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Reminder e-mails of send slot ${dispatchWorkflowId.slice('email-dispatch-'.length)}, sent in batches`,
  });
  return { dispatchWorkflowId };
}

/** Maps a stored message status to the status of its steps: a bounce or complaint came after the e-mail was sent. */
export function statusOf(stored: string): QueuedReminder['status'] {
  if (stored === 'queued') return 'queued';
  if (stored === 'not_deliverable') return 'not_deliverable';
  return 'sent';
}
