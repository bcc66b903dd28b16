import { ApplicationFailure, Context } from '@temporalio/activity';
import { localDateOf } from '../domain/dates.js';
import type { InvoiceBalance } from '../domain/case.js';
import type { Tone } from '../domain/scenario.js';
import { renderReminderEmail } from '../emails/reminder.js';
import { signPortalToken } from '../web/portal/token.js';
import { recordCarbonLine } from './carbon.js';
import type { ClaimLine } from './claims.js';
import type { ActivityDeps } from './deps.js';
import { MailDeliveryError } from './mailer.js';
import { findEmailRecipient } from './recipients.js';

const EMAIL_TONES = { courtesy: 'courtesy', friendly: 'friendly', firm: 'firm', final: 'final', formal_notice: 'final' } as const;

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

  const [existing] = await sql<{ id: string; status: string }[]>`select id, status from messages where idempotency_key = ${delivery.idempotencyKey}`;
  if (existing) {
    logger.info({ ...ids, messageId: existing.id }, 'reminder already sent under this key; not sending again');
    await recordDeduplicated(deps, delivery, { messageId: existing.id, attempt, reason: 'message already stored' });
    return { outcome: existing.status === 'not_deliverable' ? 'not_deliverable' : 'sent', messageId: existing.id, deduplicated: true };
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

  const [customer] = await sql<{ name: string; is_business: boolean; time_zone: string; portal_link_version: number; language: 'fr' | 'en' }[]>`
    select name, is_business, time_zone, portal_link_version, language from customers where id = ${delivery.customerId}`;
  const invoiceIds = delivery.lines.map((line) => line.invoiceId);
  const invoices = await sql<{ id: string; number: string; issue_date: string; due_date: string }[]>`
    select id, number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date
    from invoices where id in ${sql(invoiceIds)} order by due_date, number`;
  if (!customer || invoices.length !== invoiceIds.length) {
    throw ApplicationFailure.nonRetryable(`customer ${delivery.customerId} or one of invoices ${invoiceIds.join(', ')} is missing`, 'InvalidStepInput');
  }

  const recipient = await findEmailRecipient(sql, delivery.customerId, deps.company.language);
  if (!recipient) return recordNotDeliverable(deps, delivery, customer.language, 'no contact has a usable e-mail address');

  const byInvoice = new Map(delivery.lines.map((line) => [line.invoiceId, line]));
  const expiresAt = new Date(Date.parse(delivery.actedAt) + deps.portal.linkTtlDays * 86_400_000);
  const token = signPortalToken({ customerId: delivery.customerId, linkVersion: customer.portal_link_version, expiresAt }, deps.portal.secrets);
  const penalties = invoices.flatMap((invoice) => penaltyLine(invoice.number, byInvoice.get(invoice.id)));
  const rendered = await renderReminderEmail({
    language: recipient.language,
    tone: EMAIL_TONES[delivery.tone],
    recipientName: recipient.name ?? undefined,
    customer: { name: customer.name, isBusiness: customer.is_business },
    creditor: { name: deps.company.name, siren: deps.company.siren, address: deps.company.address, senderEmail: deps.company.senderEmail },
    invoices: invoices.map((invoice) => {
      const { balance } = byInvoice.get(invoice.id) as ReminderLine;
      return {
        number: invoice.number,
        issueDate: invoice.issue_date,
        dueDate: invoice.due_date,
        currency: balance.currency,
        originalMinor: balance.originalMinor,
        paidMinor: balance.originalMinor - balance.dueMinor,
        dueMinor: balance.dueMinor,
      };
    }),
    asOfDate: localDateOf(delivery.actedAt, customer.time_zone),
    portalUrl: `${deps.portal.baseUrl}/${token}`,
    penalties: penalties.length > 0 ? penalties : undefined,
  });

  let providerMessageId: string;
  try {
    ({ providerMessageId } = await mailer.send({
      from: `${deps.company.name} <${deps.company.senderEmail}>`,
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

  const sizeBytes = Buffer.byteLength(rendered.html) + Buffer.byteLength(rendered.text);
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
    for (const line of delivery.lines) {
      await transaction`
        insert into message_invoices (message_id, invoice_id, step_key, due_minor)
        values (${message.id}, ${line.invoiceId}, ${line.stepKey}, ${line.balance.dueMinor})
        on conflict do nothing`;
    }
    return message.id;
  });

  if (attempt > 1) await recordDeduplicated(deps, delivery, { messageId, attempt, reason: 'provider called again with the same idempotency key' });
  await recordCarbonLine(sql, {
    idempotencyKey: delivery.idempotencyKey,
    workflowId: delivery.lines.length === 1 ? (delivery.lines[0]?.workflowId ?? null) : null,
    customerId: delivery.customerId,
    messageId,
    channel: 'email',
    measure: { bytes: sizeBytes, recipients: 1 },
  });
  logger.info({ ...ids, messageId, provider: mailer.provider, invoices: delivery.lines.length }, 'reminder e-mail sent');
  return { outcome: 'sent', messageId, deduplicated: false };
}

/** Returns the activity's attempt number, or 1 when the step runs outside an activity (an operator's replay). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** Records in each case's history that a repeated attempt at a step sent nothing new. */
async function recordDeduplicated(deps: ActivityDeps, delivery: ReminderDelivery, detail: { messageId: string; attempt: number; reason: string }): Promise<void> {
  for (const line of delivery.lines) {
    await deps.sql`
      insert into case_events (workflow_id, invoice_id, type, source, occurred_at, data, idempotency_key)
      values (${line.workflowId}, ${line.invoiceId}, 'step_deduplicated', 'workflow', now(),
              ${deps.sql.json({ stepKey: line.stepKey, ...detail } as never)}, null)`;
  }
}

/** Turns an invoice's open claims into the e-mail's penalty line, or none when nothing is claimed. */
function penaltyLine(invoiceNumber: string, line: ReminderLine | undefined) {
  if (!line || line.claims.length === 0) return [];
  const penalty = line.claims.find((claim) => claim.kind === 'late_penalties');
  const indemnity = line.claims.find((claim) => claim.kind === 'recovery_indemnity');
  // NOTE: the e-mail's penalty line has one currency, so the 40 EUR indemnity shows only on EUR invoices, as on letters.
  const indemnityMinor = indemnity && indemnity.currency === line.balance.currency ? indemnity.amountMinor : 0;
  return [{ invoiceNumber, currency: line.balance.currency, penaltyMinor: penalty?.amountMinor ?? 0, indemnityMinor }];
}

/** Records a reminder that could not reach the customer and opens one task for a collector; the scenarios go on. */
async function recordNotDeliverable(deps: ActivityDeps, delivery: ReminderDelivery, language: 'fr' | 'en', reason: string, contactId?: string): Promise<DeliveryResult> {
  const { sql } = deps;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, contact_id, status, provider, language, failure_reason, sent_at)
    values (${delivery.idempotencyKey}, 'email', ${delivery.customerId}, ${contactId ?? null}, 'not_deliverable', ${deps.mailer.provider}, ${language}, ${reason}, ${delivery.actedAt})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id`;
  if (!message) throw new Error(`message ${delivery.idempotencyKey} could not be stored`);
  const first = delivery.lines[0];
  await sql`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, data)
    values (${`${delivery.idempotencyKey}/not-deliverable`}, 'not_deliverable', ${first?.workflowId ?? null}, ${first?.invoiceId ?? null},
            ${delivery.customerId}, ${first?.stepKey ?? null}, ${delivery.actedAt},
            ${sql.json({ channel: 'email', reason, invoiceIds: delivery.lines.map((line) => line.invoiceId) } as never)})
    on conflict (idempotency_key) do nothing`;
  deps.logger.warn({ customerId: delivery.customerId, workflowIds: delivery.lines.map((line) => line.workflowId) }, 'reminder not deliverable; task opened for a collector');
  return { outcome: 'not_deliverable', messageId: message.id, deduplicated: false, detail: reason };
}
