import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/client.js';
import type { InvoiceBalance } from '../domain/case.js';
import type { Tone } from '../domain/scenario.js';
import { recordCarbonLine } from './carbon.js';
import type { ClaimLine } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { MailDeliveryError } from './mailer.js';
import { composeReminder, NO_RECIPIENT, sizeOf } from './reminder-compose.js';

/** One invoice carried by a reminder, for one dunning step of its case. */
export interface ReminderLine {
  workflowId: string;
  invoiceId: string;
  stepKey: string;
  balance: InvoiceBalance;
  claims: ClaimLine[];
}

export interface ReminderDelivery {
  customerId: string;
  /** Identifies the message: the same key never sends a second message. */
  idempotencyKey: string;
  tone: Tone;
  /** The workflow clock when the reminder is sent; dates in the message and the database use it. */
  actedAt: string;
  lines: ReminderLine[];
}

export interface DeliveryResult {
  outcome: 'sent' | 'not_deliverable';
  messageId: string;
  deduplicated: boolean;
  detail?: string;
}

/**
 * Sends one reminder e-mail listing every line's invoice with its own balance, once. A
 * message already stored under the key is returned as it is. The provider gets the same
 * key, so a retry after a crash between its response and the database write sends
 * nothing twice. A customer without a usable address gets a "not deliverable" record and a task.
 */
export async function deliverReminder(deps: ActivityDeps, requested: ReminderDelivery): Promise<DeliveryResult> {
  let delivery = requested;
  const { sql, mailer, logger } = deps;
  const ids = { customerId: delivery.customerId, workflowIds: delivery.lines.map((line) => line.workflowId), messageKey: delivery.idempotencyKey };
  const attempt = currentAttempt();

  const [existing] = await sql<{ id: string; status: string; size_bytes: number | null }[]>`
    select id, status, size_bytes from messages where idempotency_key = ${delivery.idempotencyKey}`;
  if (existing) {
    logger.info({ ...ids, messageId: existing.id }, 'reminder already sent under this key; not sending again');
    await recordDeduplicated(deps, delivery, { messageId: existing.id, attempt, reason: 'message already stored' });
    if (existing.status === 'not_deliverable') return { outcome: 'not_deliverable', messageId: existing.id, deduplicated: true };

    // A worker that died between storing the message and its carbon line left the line unwritten; the key makes this a no-op otherwise.
    await recordEmailCarbon(deps, delivery, existing.id, existing.size_bytes ?? 0);
    return { outcome: 'sent', messageId: existing.id, deduplicated: true };
  }

  // A step that a message already carried, under another key (a grouped e-mail, an operator's replay), is not sent again.
  const carried = await sql<{ message_id: string; invoice_id: string; step_key: string }[]>`
    select mi.message_id, mi.invoice_id, mi.step_key
    from message_invoices mi
    join unnest(${sql.array(delivery.lines.map((line) => line.invoiceId))}::uuid[], ${sql.array(delivery.lines.map((line) => line.stepKey))}::text[])
      as wanted(invoice_id, step_key) on wanted.invoice_id = mi.invoice_id and wanted.step_key = mi.step_key`;
  const firstCarried = carried[0];
  if (firstCarried && carried.length === delivery.lines.length) {
    logger.info({ ...ids, messageId: firstCarried.message_id }, 'every step of this reminder was already sent; not sending again');
    await recordDeduplicated(deps, delivery, { messageId: firstCarried.message_id, attempt, reason: 'step already carried by a message' });
    return { outcome: 'sent', messageId: firstCarried.message_id, deduplicated: true };
  }
  const remaining = delivery.lines.filter((line) => !carried.some((row) => row.invoice_id === line.invoiceId && row.step_key === line.stepKey));
  delivery = { ...delivery, lines: remaining };

  const composed = await composeReminder(deps, delivery);
  if (composed.kind === 'no_recipient') return recordNotDeliverable(deps, delivery, composed.language, NO_RECIPIENT);
  const { recipient, rendered, sender } = composed;

  let providerMessageId: string;
  try {
    ({ providerMessageId } = await mailer.send({
      from: sender,
      to: [recipient.email],
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      idempotencyKey: delivery.idempotencyKey,
    }));
  } catch (error) {
    if (error instanceof MailDeliveryError && error.kind === 'invalid_recipient') {
      return recordNotDeliverable(deps, delivery, recipient.language, error.message, recipient.contactId);
    }
    if (error instanceof MailDeliveryError && error.kind === 'rate_limited') {
      logger.warn({ ...ids, retryAfterSeconds: error.retryAfterSeconds }, 'mail provider rate limit reached; retrying later');
      throw ApplicationFailure.create({
        message: error.message,
        type: 'MailRateLimited',
        nextRetryDelay: error.retryAfterSeconds ? `${error.retryAfterSeconds} seconds` : undefined,
      });
    }
    logger.warn({ ...ids, attempt, error: (error as Error).message }, 'mail provider failed; the activity will retry');
    throw error;
  }

  const sizeBytes = sizeOf(rendered);
  const messageId = await sql.begin(async (transaction) => {
    const [message] = await transaction<{ id: string }[]>`
      insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, provider_message_id,
                            language, subject, html, text_body, size_bytes, sent_at)
      values (${delivery.idempotencyKey}, 'email', ${delivery.customerId}, ${recipient.contactId},
              ${mailer.provider === 'outbox' ? 'outbox' : 'sent'}, ${mailer.provider}, ${providerMessageId},
              ${recipient.language}, ${rendered.subject}, ${rendered.html}, ${rendered.text}, ${sizeBytes}, ${delivery.actedAt})
      on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
      returning id`;
    if (!message) throw new Error(`message ${delivery.idempotencyKey} could not be stored`);
    await recordCarriedLines(transaction, message.id, delivery.lines);
    return message.id;
  });

  if (attempt > 1) await recordDeduplicated(deps, delivery, { messageId, attempt, reason: 'provider called again with the same idempotency key' });
  await recordEmailCarbon(deps, delivery, messageId, sizeBytes);
  logger.info({ ...ids, messageId, provider: mailer.provider, invoices: delivery.lines.length }, 'reminder e-mail sent');
  return { outcome: 'sent', messageId, deduplicated: false };
}

/** Writes the e-mail's carbon line under the message's key, once. */
async function recordEmailCarbon(deps: ActivityDeps, delivery: ReminderDelivery, messageId: string, sizeBytes: number): Promise<void> {
  await recordCarbonLine(deps.sql, {
    idempotencyKey: delivery.idempotencyKey,
    workflowId: delivery.lines.length === 1 ? (delivery.lines[0]?.workflowId ?? null) : null,
    customerId: delivery.customerId,
    messageId,
    channel: 'email',
    measure: { bytes: sizeBytes, recipients: 1 },
  });
}

/** Records which invoice and step each line of a message carried, once. */
export async function recordCarriedLines(transaction: TransactionSql, messageId: string, lines: ReminderLine[]): Promise<void> {
  for (const line of lines) {
    await transaction`
      insert into message_invoices (message_id, invoice_id, step_key, due_minor)
      values (${messageId}, ${line.invoiceId}, ${line.stepKey}, ${line.balance.dueMinor})
      on conflict do nothing`;
  }
}

/** Returns the activity's attempt number, or 1 when the step runs outside an activity (an operator's replay). */
export function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** Records in each case's history that a repeated attempt at a step sent nothing new. */
export async function recordDeduplicated(
  deps: Pick<ActivityDeps, 'sql'>,
  delivery: { lines: Pick<ReminderLine, 'workflowId' | 'invoiceId' | 'stepKey'>[] },
  detail: { messageId: string; attempt: number; reason: string },
): Promise<void> {
  for (const line of delivery.lines) {
    await deps.sql`
      insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
      values (${line.workflowId}, ${line.invoiceId}, 'step_deduplicated', 'workflow', now(),
              ${deps.sql.json({ stepKey: line.stepKey, ...detail } as never)}, null)`;
  }
}

/** Records a reminder that could not reach the customer and opens one task for a collector; the scenarios go on. */
export async function recordNotDeliverable(deps: ActivityDeps, delivery: ReminderDelivery, language: 'fr' | 'en', reason: string, contactId?: string): Promise<DeliveryResult> {
  const { sql } = deps;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, language, failure_reason, sent_at)
    values (${delivery.idempotencyKey}, 'email', ${delivery.customerId}, ${contactId ?? null}, 'not_deliverable', ${deps.mailer.provider}, ${language}, ${reason}, ${delivery.actedAt})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!message) throw new Error(`message ${delivery.idempotencyKey} could not be stored`);
  await openNotDeliverableTask(sql, { messageKey: delivery.idempotencyKey, customerId: delivery.customerId, actedAt: delivery.actedAt, reason, lines: delivery.lines });
  deps.logger.warn({ customerId: delivery.customerId, workflowIds: delivery.lines.map((line) => line.workflowId) }, 'reminder not deliverable; task opened for a collector');
  return { outcome: 'not_deliverable', messageId: message.id, deduplicated: false, detail: reason };
}

/**
 * Opens one task for a collector about a reminder that could not reach the customer,
 * once per message: the task's key is the message's key.
 */
export async function openNotDeliverableTask(
  sql: Sql,
  input: { messageKey: string; customerId: string; actedAt: string; reason: string; lines: Pick<ReminderLine, 'workflowId' | 'invoiceId' | 'stepKey'>[] },
): Promise<void> {
  const first = input.lines[0];
  await sql`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, data)
    values (${`${input.messageKey}/not-deliverable`}, 'not_deliverable', ${first?.workflowId ?? null}, ${first?.invoiceId ?? null},
            ${input.customerId}, ${first?.stepKey ?? null}, ${input.actedAt},
            ${sql.json({ channel: 'email', reason: input.reason, invoiceIds: input.lines.map((line) => line.invoiceId) } as never)})
    on conflict (idempotency_key) do nothing`;
}
